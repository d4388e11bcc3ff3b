using System.Diagnostics.CodeAnalysis;

namespace Ranvier.Protocol.Identifiers;

/// <summary>A room ID (spec: appendices, "Room IDs"): <c>!opaque:server</c> up to room version 11, or from v12 <c>!</c> plus the create event's reference hash, with no server.</summary>
public readonly record struct RoomId : IParsable<RoomId>
{
    private RoomId(string value, string opaque, ServerName? server)
    {
        Value = value;
        Opaque = opaque;
        Server = server;
    }

    public string Value { get; }

    /// <summary>The part after the sigil and before any <c>:server</c>.</summary>
    public string Opaque { get; }

    /// <summary>The server part, or null for the hash form.</summary>
    public ServerName? Server { get; }

    /// <summary>True for the domain-less hash form.</summary>
    public bool IsHash => Server is null;

    public static bool TryParse([NotNullWhen(true)] string? value, out RoomId result) => TryParse(value, out result, out _);

    public static bool TryParse([NotNullWhen(true)] string? value, out RoomId result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (!IdentifierGrammar.TryParseOpaque(value, '!', "room ID", out var opaque, out var server, out error))
        {
            return false;
        }

        result = new RoomId(value, opaque, server);
        return true;
    }

    public static RoomId Parse(string value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException($"Invalid room ID '{value}': {error}.");

    static RoomId IParsable<RoomId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<RoomId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out RoomId result) =>
        TryParse(s, out result);

    /// <summary>The v12 room ID of the room a create event starts: its event ID with the sigil <c>!</c> instead of <c>$</c>.</summary>
    public static RoomId FromCreateEventId(EventId createEventId)
    {
        if (!createEventId.IsHash)
        {
            throw new ArgumentException("Only hash-form event IDs name rooms.", nameof(createEventId));
        }

        return Parse("!" + createEventId.Opaque);
    }

    public override string ToString() => Value ?? string.Empty;
}
