using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Storage.Rooms;

/// <summary>
/// Everything persisted for one event in one transaction. <paramref name="CanonicalJson"/> is the event's
/// canonical JSON (UTF-8) as the caller computed it (spec: appendices, "Canonical JSON"); it is stored verbatim and
/// must not change afterwards.
/// <paramref name="StateBefore"/> is required for <see cref="EventStatus.Accepted"/> and
/// <see cref="EventStatus.SoftFailed"/> events and ignored for rejected events and outliers (state unknown).
/// <paramref name="RoomVersion"/> is recorded when this is the first event stored for the room.
/// A <paramref name="Backfilled"/> event gets a topological position but no stream position, so it never
/// shows up in /sync as new, and it does not move forward extremities or current state.
/// <paramref name="CurrentStateAfter"/> is for an accepted event that does not extend every fork of the room: the
/// room's current state is then the resolution of all forward extremities, not the state after this event. When
/// null, the room's current state becomes the state after this event. A <see cref="StateInput.Delta"/> may use
/// this event itself as its base. <paramref name="Transaction"/> records the client transaction that created a local
/// event, in the same transaction as the event, so a retried request finds it. <paramref name="Push"/> is what push rules
/// decided for a new local event (written only when the event gets a stream position), so the counts a /sync reads
/// always include the events it shows. <paramref name="BuiltHere"/> says the event was built by this server just now:
/// no one has seen its ID yet, so no stored redaction or relation can name it (events from elsewhere are checked).
/// </summary>
public sealed record EventToPersist(
    Pdu Event,
    byte[] CanonicalJson,
    RoomVersion RoomVersion,
    EventStatus Status,
    StateInput? StateBefore,
    bool Backfilled = false,
    StateInput? CurrentStateAfter = null,
    ClientTransaction? Transaction = null,
    Push.EventPush? Push = null,
    bool BuiltHere = false);

/// <summary>
/// A client's transaction ID for an event it sent (spec: client-server API, "Transaction identifiers"): scoped to
/// the device that sent it and, like the request path it came with, to the room.
/// </summary>
public sealed record ClientTransaction(string UserId, string DeviceId, string RoomId, string TransactionId);

/// <summary>A user's membership of a room as the room's current state says it, with the member event's ID.</summary>
public sealed record RoomMembership(string RoomId, string Membership, string EventId);

/// <summary>The internal ID given to a persisted event and its stream position (null: not syncable).</summary>
public sealed record PersistedEvent(long EventNid, long? StreamPosition);

/// <summary>
/// A stored event: its routing fields and the canonical JSON it was persisted with, as UTF-8 (as SQLite keeps it and
/// System.Text.Json reads it: no conversion to and from UTF-16 on the way, and half the memory where events are kept).
/// </summary>
public sealed record StoredEvent(
    long EventNid,
    string EventId,
    string RoomId,
    string Type,
    string? StateKey,
    string Sender,
    long Depth,
    long OriginServerTs,
    EventStatus Status,
    long? StreamPosition,
    ReadOnlyMemory<byte> Json)
{
    /// <summary>Value equality, the JSON compared by its bytes (a memory region alone compares by where it is).</summary>
    public bool Equals(StoredEvent? other) =>
        other is not null && EventNid == other.EventNid && EventId == other.EventId && RoomId == other.RoomId && Type == other.Type
        && StateKey == other.StateKey && Sender == other.Sender && Depth == other.Depth && OriginServerTs == other.OriginServerTs
        && Status == other.Status && StreamPosition == other.StreamPosition && Json.Span.SequenceEqual(other.Json.Span);

    public override int GetHashCode() => HashCode.Combine(EventNid, EventId, StreamPosition, Json.Length);
}

/// <summary>Which side of an event a state lookup is about.</summary>
public enum StatePoint
{
    /// <summary>The state the event was authorized against (spec: "the state before the event").</summary>
    Before,

    /// <summary>The state including the event itself when it is an accepted or soft-failed state event.</summary>
    After,
}
