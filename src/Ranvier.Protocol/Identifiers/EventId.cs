using System.Diagnostics.CodeAnalysis;

namespace Ranvier.Protocol.Identifiers;

/// <summary>An event ID (spec: appendices, "Event IDs"): <c>$opaque:server</c> in room versions 1 and 2, <c>$</c> plus the reference hash in unpadded base64 (standard in v3, URL-safe from v4) otherwise.</summary>
public readonly record struct EventId : IParsable<EventId>
{
    private EventId(string value, string opaque, ServerName? server)
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

    public static bool TryParse([NotNullWhen(true)] string? value, out EventId result) => TryParse(value, out result, out _);

    public static bool TryParse([NotNullWhen(true)] string? value, out EventId result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (!IdentifierGrammar.TryParseOpaque(value, '$', "event ID", out var opaque, out var server, out error))
        {
            return false;
        }

        result = new EventId(value, opaque, server);
        return true;
    }

    public static EventId Parse(string value) =>
        TryParse(value, out var result, out var error) ? result : throw new FormatException($"Invalid event ID '{value}': {error}.");

    static EventId IParsable<EventId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<EventId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out EventId result) =>
        TryParse(s, out result);

    public override string ToString() => Value ?? string.Empty;
}
