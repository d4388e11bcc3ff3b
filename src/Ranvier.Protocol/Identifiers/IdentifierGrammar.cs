using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Ranvier.Protocol.Identifiers;

/// <summary>The pieces of grammar several identifiers share (spec: appendices, "Common Identifier Format").</summary>
internal static class IdentifierGrammar
{
    /// <summary>User IDs, room IDs, aliases and event IDs are limited to 255 bytes including sigil and domain.</summary>
    public const int MaxIdentifierBytes = 255;

    /// <summary>
    /// Splits <c>&amp;localpart:domain</c> at the first colon (localparts never contain one) and validates
    /// the domain as a server name. The localpart is returned unvalidated.
    /// </summary>
    public static bool TrySplit([NotNullWhen(true)] string? value, char sigil, out string localpart, out ServerName server, out string? error)
    {
        localpart = string.Empty;
        server = default;
        if (string.IsNullOrEmpty(value) || value[0] != sigil)
        {
            error = $"must start with '{sigil}'";
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = "has no ':domain' part";
            return false;
        }

        if (!ServerName.TryParse(value[(colon + 1)..], out server, out var serverError))
        {
            error = "has an invalid server name: " + serverError;
            return false;
        }

        localpart = value[1..colon];
        error = null;
        return true;
    }

    /// <summary>
    /// Parses <c>&amp;localpart:domain</c> as user IDs and room aliases have it: a historical localpart (see
    /// <see cref="IsHistoricalLocalpart"/>), a valid server name and the 255-byte limit. <paramref name="what"/>
    /// names the identifier in the error.
    /// </summary>
    public static bool TryParseLocalpartId([NotNullWhen(true)] string? value, char sigil, string what, out string localpart, out ServerName server, [NotNullWhen(false)] out string? error)
    {
        if (!TrySplit(value, sigil, out localpart, out server, out error))
        {
            error = what + " " + error;
            return false;
        }

        if (!IsHistoricalLocalpart(localpart))
        {
            error = what + " localpart may not contain NUL or unpaired surrogates";
            return false;
        }

        if (!FitsLengthLimit(value))
        {
            error = what + " is longer than 255 bytes";
            return false;
        }

        return true;
    }

    /// <summary>
    /// The raw domain of <c>&amp;localpart:domain</c>: everything after the first colon, unvalidated, or null
    /// when there is none (hash-form event and room IDs). The authorization rules compare domains this way
    /// ("the domain of the sender"), so an event whose IDs are otherwise malformed is still judged.
    /// </summary>
    public static string? Domain(string? id)
    {
        if (id is null)
        {
            return null;
        }

        var colon = id.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : id[(colon + 1)..];
    }

    /// <summary>
    /// The historical localpart rule shared by user IDs, room IDs and aliases: any non-surrogate code point
    /// except <c>:</c> and NUL. In a .NET string that means no colon, no NUL and no unpaired surrogate.
    /// </summary>
    public static bool IsHistoricalLocalpart(ReadOnlySpan<char> localpart) =>
        !localpart.Contains(':') && !localpart.Contains('\0') && !HasLoneSurrogate(localpart);

    public static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the UTF-8 form of <paramref name="value"/> fits the 255-byte identifier limit (assumes no lone surrogates).</summary>
    public static bool FitsLengthLimit(string value) =>
        value.Length <= MaxIdentifierBytes && Encoding.UTF8.GetByteCount(value) <= MaxIdentifierBytes;

    /// <summary>
    /// Parses the two shapes of room and event IDs: <c>&amp;opaque:domain</c> (older room versions) or
    /// <c>&amp;hash</c> with no domain (event IDs from v3, room IDs from v12).
    /// </summary>
    public static bool TryParseOpaque([NotNullWhen(true)] string? value, char sigil, string what, out string opaque, out ServerName? server, [NotNullWhen(false)] out string? error)
    {
        opaque = string.Empty;
        server = null;
        if (string.IsNullOrEmpty(value) || value[0] != sigil)
        {
            error = $"{what} must start with '{sigil}'";
            return false;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            if (!TrySplit(value, sigil, out opaque, out var domain, out error))
            {
                error = what + " " + error;
                return false;
            }

            if (!IsHistoricalLocalpart(opaque))
            {
                error = what + " may not contain NUL or unpaired surrogates";
                return false;
            }

            server = domain;
        }
        else
        {
            opaque = value[1..];
            if (!IsHashOpaqueId(opaque))
            {
                error = what + " without a domain must be a 43-character unpadded base64 hash";
                return false;
            }
        }

        if (!FitsLengthLimit(value))
        {
            error = what + " is longer than 255 bytes";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>An event ID or v12 room ID that is a sha256 reference hash: 43 characters of (standard or URL-safe) unpadded base64.</summary>
    public static bool IsHashOpaqueId(ReadOnlySpan<char> opaque)
    {
        if (opaque.Length != 43)
        {
            return false;
        }

        foreach (var c in opaque)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
