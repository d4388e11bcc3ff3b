using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Events;

/// <summary>
/// A room event (PDU) with its routing fields read once into typed properties. The wire form stays
/// available as <see cref="Json"/>, which the caller must treat as immutable (hashes and signatures cover it).
/// The event ID of v3+ events is not part of the JSON; it is computed from the reference hash by the caller
/// and passed in, so this type does no hashing.
/// </summary>
public sealed class Pdu
{
    private Pdu(JsonObject json, string eventId, string roomId, string sender, string type, string? stateKey,
        long originServerTs, long depth, IReadOnlyList<string> prevEvents, IReadOnlyList<string> authEvents,
        JsonObject content, string? redacts)
    {
        Json = json;
        EventId = eventId;
        RoomId = roomId;
        Sender = sender;
        Type = type;
        StateKey = stateKey;
        OriginServerTs = originServerTs;
        Depth = depth;
        PrevEvents = prevEvents;
        AuthEvents = authEvents;
        Content = content;
        Redacts = redacts;
    }

    public JsonObject Json { get; }

    public string EventId { get; }

    public string RoomId { get; }

    public string Sender { get; }

    public string Type { get; }

    /// <summary>The state key; null for a message (non-state) event.</summary>
    public string? StateKey { get; }

    public bool IsState => StateKey is not null;

    public long OriginServerTs { get; }

    public long Depth { get; }

    public IReadOnlyList<string> PrevEvents { get; }

    public IReadOnlyList<string> AuthEvents { get; }

    public JsonObject Content { get; }

    /// <summary>The redacted event: top-level <c>redacts</c> before v11, <c>content.redacts</c> from v11.</summary>
    public string? Redacts { get; }

    /// <summary>
    /// Reads the routing fields of <paramref name="json"/> as <paramref name="version"/> shapes them.
    /// <paramref name="eventId"/> is required for room versions whose IDs are hashes (v3+) and ignored for
    /// v1/v2, whose ID is the event's own <c>event_id</c>. Returns null with a reason when a field is missing
    /// or of the wrong type.
    /// </summary>
    public static Pdu? TryParse(JsonObject json, RoomVersion version, string? eventId, out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(version);

        error = null;
        string? id = version.EventFormat == EventFormat.V1 ? JsonNodeValues.GetString(json, "event_id") : eventId;
        if (id is null)
        {
            error = version.EventFormat == EventFormat.V1 ? "event_id is missing" : "the event ID was not supplied";
            return null;
        }

        var type = JsonNodeValues.GetString(json, "type");
        var sender = JsonNodeValues.GetString(json, "sender");
        if (type is null || sender is null)
        {
            error = "type and sender must be strings";
            return null;
        }

        var roomId = JsonNodeValues.GetString(json, "room_id");
        if (roomId is null && version.RoomIdFromCreateEvent && type == EventTypes.Create)
        {
            // v12: the create event carries no room_id; the room ID is its event ID with the sigil swapped.
            roomId = "!" + id[1..];
        }

        if (roomId is null)
        {
            error = "room_id must be a string";
            return null;
        }

        if (json["content"] is not JsonObject content)
        {
            error = "content must be an object";
            return null;
        }

        string? stateKey = null;
        if (json.TryGetPropertyValue("state_key", out var sk))
        {
            stateKey = JsonNodeValues.GetString(sk);
            if (stateKey is null)
            {
                error = "state_key must be a string";
                return null;
            }
        }

        if (!TryGetInteger(json, "origin_server_ts", out var ts) || !TryGetInteger(json, "depth", out var depth))
        {
            error = "origin_server_ts and depth must be integers";
            return null;
        }

        var prev = ReadEventRefs(json["prev_events"], version);
        var auth = ReadEventRefs(json["auth_events"], version);
        if (prev is null || auth is null)
        {
            error = "prev_events and auth_events must be lists of event references";
            return null;
        }

        var redacts = version.Redaction == RedactionRules.V11 ? JsonNodeValues.GetString(content, "redacts") : JsonNodeValues.GetString(json, "redacts");
        return new Pdu(json, id, roomId, sender, type, stateKey, ts, depth, prev, auth, content, redacts);
    }

    /// <summary>As <see cref="TryParse"/>, throwing <see cref="FormatException"/> on a malformed event.</summary>
    public static Pdu Parse(JsonObject json, RoomVersion version, string? eventId = null) =>
        TryParse(json, version, eventId, out var error) ?? throw new FormatException(error);

    public override string ToString() => $"{EventId} ({Type}{(StateKey is null ? "" : "/" + StateKey)})";

    private static bool TryGetInteger(JsonObject obj, string key, out long value) => JsonNodeValues.TryGetInt64(obj[key], out value);

    // v1/v2 reference events as [event_id, {hashes}] pairs; v3+ as plain event-ID strings.
    private static string[]? ReadEventRefs(JsonNode? node, RoomVersion version)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        var ids = new string[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            var item = version.EventFormat == EventFormat.V1 && array[i] is JsonArray pair && pair.Count > 0 ? pair[0] : array[i];
            if (item is not JsonValue v || !v.TryGetValue(out string? s))
            {
                return null;
            }

            ids[i] = s;
        }

        return ids;
    }
}
