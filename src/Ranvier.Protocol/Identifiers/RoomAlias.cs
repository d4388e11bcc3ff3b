using System.Diagnostics.CodeAnalysis;

namespace Ranvier.Protocol.Identifiers;

/// <summary>A room alias, <c>#localpart:server</c> (spec: appendices, "Room Aliases").</summary>
public readonly record struct RoomAlias : IParsable<RoomAlias>
{
    private RoomAlias(string value, string localpart, ServerName server)
    {
        Value = value;
        Localpart = localpart;
        Server = server;
    }

    public string Value { get; }

    public string Localpart { get; }

    /// <summary>The server that created the alias and answers queries for it.</summary>
    public ServerName Server { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, out RoomAlias result) => TryParse(value, out result, out _);

    public static bool TryParse([NotNullWhen(true)] string? value, out RoomAlias result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (!IdentifierGrammar.TryParseLocalpartId(value, '#', "room alias", out var localpart, out var server, out error))
        {
            return false;
        }

        result = new RoomAlias(value, localpart, server);
        return true;
    }

    public static RoomAlias Parse(string value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException($"Invalid room alias '{value}': {error}.");

    static RoomAlias IParsable<RoomAlias>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<RoomAlias>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out RoomAlias result) =>
        TryParse(s, out result);

    public override string ToString() => Value ?? string.Empty;
}
