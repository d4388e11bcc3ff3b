using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Testing;

/// <summary>
/// A room written as a straight line, the way its single per-room writer would: each event's prev_event is the
/// previous event, its auth_event the create event, and its state before is the state after the previous event.
/// Tracks the state the store should end up with. Shared by the store tests and the crash driver.
/// </summary>
public sealed class LinearRoom(IRoomEventStore store, string roomId)
{
    private readonly Dictionary<StateKey, string> _state = [];
    private readonly List<string> _eventIds = [];

    public string RoomId => roomId;

    public string? LastEventId => _eventIds.Count == 0 ? null : _eventIds[^1];

    public IReadOnlyList<string> EventIds => _eventIds;

    /// <summary>The state after the last event, as the writer expects the store to have it.</summary>
    public IReadOnlyDictionary<StateKey, string> ExpectedState => _state;

    /// <summary>A v10 PDU with just the fields the store reads; the event ID is given, not hashed.</summary>
    public static Pdu BuildPdu(string roomId, string eventId, string type, string? stateKey, IReadOnlyList<string> prevEvents,
        IReadOnlyList<string> authEvents, long depth)
    {
        var json = new JsonObject
        {
            ["room_id"] = roomId,
            ["sender"] = "@alice:test",
            ["type"] = type,
            ["content"] = new JsonObject { ["n"] = depth },
            ["origin_server_ts"] = 1_700_000_000_000 + depth,
            ["depth"] = depth,
            ["prev_events"] = new JsonArray([.. prevEvents.Select(static id => JsonValue.Create(id))]),
            ["auth_events"] = new JsonArray([.. authEvents.Select(static id => JsonValue.Create(id))]),
        };
        if (stateKey is not null)
        {
            json["state_key"] = stateKey;
        }

        return Pdu.Parse(json, RoomVersions.V10, eventId);
    }

    /// <summary>Builds and persists the next event; returns its ID once the store has committed it.</summary>
    public async Task<(string EventId, PersistedEvent Persisted)> SendAsync(string type, string? stateKey = null, CancellationToken cancellationToken = default)
    {
        var eventId = $"${roomId[1..]}/{_eventIds.Count + 1}";
        var prev = LastEventId;
        var pdu = BuildPdu(roomId, eventId, type, stateKey, prev is null ? [] : [prev], _eventIds.Count == 0 ? [] : [_eventIds[0]], _eventIds.Count + 1);
        var request = new EventToPersist(pdu, System.Text.Encoding.UTF8.GetBytes(pdu.Json.ToJsonString()), RoomVersions.V10, EventStatus.Accepted,
            prev is null ? StateInput.Empty : StateInput.After(prev));
        var persisted = await store.PersistEventAsync(request, cancellationToken).ConfigureAwait(false);
        _eventIds.Add(eventId);
        if (stateKey is not null)
        {
            _state[new StateKey(type, stateKey)] = eventId;
        }

        return (eventId, persisted);
    }
}
