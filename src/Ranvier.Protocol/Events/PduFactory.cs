using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Events;

/// <summary>
/// Builds <see cref="Pdu"/>s from event JSON, computing the event ID the room version prescribes, so
/// callers never pair an event with an ID by hand. Malformed input is reported, never thrown, by the Try methods.
/// </summary>
public static class PduFactory
{
    /// <summary>Reads an event object (already parsed) of <paramref name="version"/>.</summary>
    public static bool TryCreate(JsonObject json, RoomVersion version, [NotNullWhen(true)] out Pdu? pdu, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(version);
        pdu = null;
        if (!EventHashing.TryGetEventId(json, version, out var eventId, out error))
        {
            return false;
        }

        pdu = Pdu.TryParse(json, version, eventId, out error);
        if (pdu is null)
        {
            error ??= "malformed event";
            return false;
        }

        return true;
    }

    /// <summary>Parses untrusted event bytes (strict canonical JSON from room version 6) and reads the event.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, RoomVersion version, [NotNullWhen(true)] out Pdu? pdu, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(version);
        pdu = null;
        var options = version.StrictCanonicalJson ? JsonParseOptions.Strict : JsonParseOptions.Lenient;
        if (!StrictJsonParser.TryParse(utf8, out var json, out var parseError, options))
        {
            error = parseError.ToString();
            return false;
        }

        return TryCreate(json, version, out pdu, out error);
    }

    /// <summary>
    /// Finishes a locally built event: adds the content hash, signs it as <paramref name="serverName"/> and
    /// reads it with its computed ID. For room versions 1 and 2 the draft must already carry <c>event_id</c>.
    /// </summary>
    public static Pdu HashSignAndCreate(JsonObject draft, RoomVersion version, string serverName, SigningKey key)
    {
        var eventId = EventSigning.HashSignAndIdentify(draft, version, serverName, key)
            ?? throw new FormatException("event_id is missing");
        return Pdu.TryParse(draft, version, eventId, out var error) ?? throw new FormatException(error ?? "malformed event");
    }

    /// <summary>As <see cref="TryCreate"/>, throwing <see cref="FormatException"/> on a malformed event.</summary>
    public static Pdu Create(JsonObject json, RoomVersion version) =>
        TryCreate(json, version, out var pdu, out var error) ? pdu : throw new FormatException(error);
}
