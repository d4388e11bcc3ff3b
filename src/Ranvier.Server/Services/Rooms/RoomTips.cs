using System.Collections.Concurrent;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Services.Memory;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// What the next local event of a room builds on, kept between sends so that a send reads nothing from the store:
/// the room's forward extremities and the current state events the auth rules have asked for (create, power levels,
/// join rules, members). Every event of a room is built and persisted by <see cref="RoomEventPipeline"/> under the
/// room's lock, and the pipeline touches a room's <see cref="RoomTip"/> only while it holds that lock: it fills the
/// tip from the store, and after each persisted event moves it past that event. So a tip is what the store holds.
/// Anything unusual (a failed write, a redaction, which may change the content of state) drops the room's tip and
/// the next send reads the store again.
/// </summary>
public sealed class RoomTips : IReleasesMemory
{
    /// <summary>Rooms kept at most; past it every tip is dropped and refilled by the next send to its room.</summary>
    public const int MaxRooms = 4096;

    private readonly ConcurrentDictionary<string, RoomTip> _rooms = new(StringComparer.Ordinal);

    /// <summary>The room's tip, empty when nothing of it is known. Call only while holding the room's lock.</summary>
    public RoomTip For(string roomId)
    {
        if (_rooms.TryGetValue(roomId, out var tip))
        {
            return tip;
        }

        if (_rooms.Count >= MaxRooms)
        {
            _rooms.Clear();
        }

        return _rooms.GetOrAdd(roomId, static _ => new RoomTip());
    }

    /// <summary>Forgets a room's tip (its next send reads the store).</summary>
    public void Forget(string roomId) => _rooms.TryRemove(roomId, out _);

    /// <summary>How many rooms have a tip (for tests).</summary>
    public int Count => _rooms.Count;

    public void ReleaseMemory() => _rooms.Clear();
}

/// <summary>
/// One room's forward extremities and the current state entries read so far, absent ones included (as null).
/// Not thread-safe: the room's lock guards it.
/// </summary>
public sealed class RoomTip
{
    private readonly Dictionary<(string Type, string StateKey), Pdu?> _state = [];

    /// <summary>The room's forward extremities (what a new event cites of them), or null until read.</summary>
    public List<PrevEvent>? Extremities { get; set; }

    /// <summary>The current state event at <paramref name="key"/> when known (<paramref name="pdu"/> null: the room has none).</summary>
    public bool TryGetState((string Type, string StateKey) key, out Pdu? pdu) => _state.TryGetValue(key, out pdu);

    /// <summary>Records what the store holds at <paramref name="key"/> (null: nothing).</summary>
    public void SetState((string Type, string StateKey) key, Pdu? pdu) => _state[key] = pdu;

    /// <summary>
    /// Moves the tip past a persisted event: it replaces its prev events among the extremities and, for a state
    /// event, becomes the current state at its key.
    /// </summary>
    public void Advance(Pdu pdu, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        if (Extremities is { } extremities)
        {
            for (var i = extremities.Count - 1; i >= 0; i--)
            {
                if (pdu.PrevEvents.Contains(extremities[i].EventId))
                {
                    extremities.RemoveAt(i);
                }
            }

            extremities.Add(PrevEvent.Of(pdu, version));
        }

        if (pdu.StateKey is { } stateKey)
        {
            _state[(pdu.Type, stateKey)] = pdu;
        }
    }
}

/// <summary>
/// What a new event cites of an earlier one (a prev or auth event): its ID, its depth and, in room versions 1 and 2,
/// its reference hash. Small on purpose: a room's tip keeps these for its extremities rather than whole events, which
/// would outlive each send and so cost every garbage collection a copy.
/// </summary>
public sealed record PrevEvent(string EventId, long Depth, string? ReferenceHash)
{
    public static PrevEvent Of(Pdu pdu, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(version);
        return new PrevEvent(
            pdu.EventId,
            pdu.Depth,
            version.EventFormat == EventFormat.V1 ? UnpaddedBase64.Encode(EventHashing.ReferenceHash(pdu.Json, version)) : null);
    }
}
