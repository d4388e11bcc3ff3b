using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Tests;

/// <summary>
/// The one way tests make a <see cref="Pdu"/> from its fields, shaped as the room version wants it: v1/v2
/// carry <c>event_id</c> and [id, hashes] reference pairs, v3+ plain ID lists, and a v12 create event has no
/// <c>room_id</c>. IDs are made up and never hashed. Auth's <see cref="Auth.TestRoom"/> (a flat current state)
/// and state resolution's <see cref="StateResolution.RoomDag"/> (a DAG) both build through it.
/// </summary>
internal static class TestEvent
{
    /// <summary>
    /// Builds the event. <paramref name="roomId"/> null leaves <c>room_id</c> out; <paramref name="extraTopLevel"/>
    /// adds or replaces top-level keys. The event is re-read from its JSON text, as events arrive from the
    /// network, so numbers are JSON numbers rather than boxed CLR values.
    /// </summary>
    public static Pdu Build(RoomVersion version, string eventId, string? roomId, string sender, string type, string? stateKey,
        JsonObject content, IEnumerable<string> prevEvents, IEnumerable<string> authEvents, long originServerTs, long depth,
        JsonObject? extraTopLevel = null)
    {
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["content"] = content.DeepClone(),
            ["origin_server_ts"] = originServerTs,
            ["depth"] = depth,
            ["prev_events"] = Refs(version, prevEvents),
            ["auth_events"] = Refs(version, authEvents),
        };
        if (roomId is not null)
        {
            json["room_id"] = roomId;
        }

        if (stateKey is not null)
        {
            json["state_key"] = stateKey;
        }

        if (version.EventFormat == EventFormat.V1)
        {
            json["event_id"] = eventId;
        }

        foreach (var (key, value) in extraTopLevel ?? [])
        {
            json[key] = value?.DeepClone();
        }

        return Pdu.Parse(JsonNode.Parse(json.ToJsonString())!.AsObject(), version, eventId);
    }

    /// <summary>prev_events / auth_events as the version writes them.</summary>
    public static JsonArray Refs(RoomVersion version, IEnumerable<string> ids)
    {
        var array = new JsonArray();
        foreach (var id in ids)
        {
            array.Add(version.EventFormat == EventFormat.V1
                ? new JsonArray(id, new JsonObject { ["sha256"] = "none" })
                : JsonValue.Create(id));
        }

        return array;
    }
}
