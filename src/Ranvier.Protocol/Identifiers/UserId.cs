using System.Diagnostics.CodeAnalysis;

namespace Ranvier.Protocol.Identifiers;

/// <summary>
/// A Matrix user ID, <c>@localpart:server</c> (spec: appendices, "User Identifiers"). Parsing accepts the
/// historical character set (any code point but <c>:</c> and NUL, even an empty localpart), because rooms
/// contain such senders; <see cref="IsCompliant"/> and <see cref="TryCreate(string, ServerName, out UserId, out string?)"/>
/// apply the current grammar that new users must satisfy.
/// </summary>
public readonly record struct UserId : IParsable<UserId>
{
    private UserId(string value, string localpart, ServerName server)
    {
        Value = value;
        Localpart = localpart;
        Server = server;
    }

    public string Value { get; }

    public string Localpart { get; }

    public ServerName Server { get; }

    /// <summary>True when the localpart follows the current grammar (non-empty, <c>a-z 0-9 . _ = - / +</c>).</summary>
    public bool IsCompliant => IsCompliantLocalpart(Localpart);

    public static bool TryParse([NotNullWhen(true)] string? value, out UserId result) => TryParse(value, out result, out _);

    /// <summary>Parses a user ID leniently (historical localparts allowed), giving the reason when it is invalid.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out UserId result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (!IdentifierGrammar.TryParseLocalpartId(value, '@', "user ID", out var localpart, out var server, out error))
        {
            return false;
        }

        result = new UserId(value, localpart, server);
        return true;
    }

    /// <summary>Parses a user ID or throws <see cref="FormatException"/>.</summary>
    public static UserId Parse(string value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException($"Invalid user ID '{value}': {error}.");

    /// <summary>Builds the ID of a new local user, applying the strict grammar and the 255-byte limit.</summary>
    public static bool TryCreate(string localpart, ServerName server, out UserId result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(localpart);
        result = default;
        if (!IsCompliantLocalpart(localpart))
        {
            error = "localpart may only contain a-z, 0-9, '.', '_', '=', '-', '/' and '+'";
            return false;
        }

        return TryParse("@" + localpart + ":" + server.Value, out result, out error);
    }

    /// <summary>The current (v1.8+) localpart grammar: <c>1*( DIGIT / a-z / "-" / "." / "=" / "_" / "/" / "+" )</c>.</summary>
    public static bool IsCompliantLocalpart(ReadOnlySpan<char> localpart)
    {
        if (localpart.IsEmpty)
        {
            return false;
        }

        foreach (var c in localpart)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterLower(c) && c is not ('-' or '.' or '=' or '_' or '/' or '+'))
            {
                return false;
            }
        }

        return true;
    }

    static UserId IParsable<UserId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<UserId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out UserId result) =>
        TryParse(s, out result);

    public override string ToString() => Value ?? string.Empty;
}
