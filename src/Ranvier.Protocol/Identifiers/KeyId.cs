using System.Diagnostics.CodeAnalysis;

namespace Ranvier.Protocol.Identifiers;

/// <summary>
/// A key identifier, <c>algorithm:version</c> (spec: appendices, "Signing Details"; server-server API,
/// "Retrieving server keys"), e.g. <c>ed25519:a_AbCd</c> or a device key's <c>ed25519:DEVICEID</c>.
/// </summary>
public readonly record struct KeyId : IParsable<KeyId>
{
    public const string Ed25519Algorithm = "ed25519";

    private KeyId(string value, int colon)
    {
        Value = value;
        Algorithm = value[..colon];
        Version = value[(colon + 1)..];
    }

    public string Value { get; }

    public string Algorithm { get; }

    /// <summary>The part after the colon (a server key's version, or a device ID for device keys).</summary>
    public string Version { get; }

    /// <summary>True when the version has the character set the spec requires of server keys: <c>[a-zA-Z0-9_]</c>.</summary>
    public bool IsValidServerKeyVersion => Version.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public static bool TryParse([NotNullWhen(true)] string? value, out KeyId result) => TryParse(value, out result, out _);

    public static bool TryParse([NotNullWhen(true)] string? value, out KeyId result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        var colon = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (value is null || colon <= 0 || colon == value.Length - 1)
        {
            error = "key ID must be 'algorithm:version' with both parts non-empty";
            return false;
        }

        if (!IsAlgorithmName(value.AsSpan(0, colon)) || value.Any(char.IsControl) || IdentifierGrammar.HasLoneSurrogate(value))
        {
            error = "key ID algorithm may only contain a-z, 0-9 and '_' and the ID no control characters";
            return false;
        }

        result = new KeyId(value, colon);
        error = null;
        return true;
    }

    public static KeyId Parse(string value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException($"Invalid key ID '{value}': {error}.");

    /// <summary>Builds <c>algorithm:version</c> after validating both parts.</summary>
    public static KeyId Create(string algorithm, string version) => Parse(algorithm + ":" + version);

    static KeyId IParsable<KeyId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<KeyId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out KeyId result) =>
        TryParse(s, out result);

    public override string ToString() => Value ?? string.Empty;

    // Algorithm names in use: ed25519, curve25519, signed_curve25519.
    private static bool IsAlgorithmName(ReadOnlySpan<char> algorithm)
    {
        foreach (var c in algorithm)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
