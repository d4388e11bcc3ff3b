using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Receipts;

/// <summary>
/// A receipt to store (spec: client-server API, "Receipts"): <paramref name="UserId"/> acknowledged
/// <paramref name="EventId"/> of <paramref name="RoomId"/> at <paramref name="Ts"/> (ms). <paramref name="ThreadId"/>
/// is null for an unthreaded receipt. <paramref name="IsPrivate"/> receipts are only ever read back by their owner.
/// </summary>
public sealed record ReceiptWrite(string RoomId, string UserId, string ReceiptType, string? ThreadId, string EventId, long Ts, bool IsPrivate);

/// <summary>
/// A stored receipt: the latest of its (room, user, type, thread). <paramref name="StreamPosition"/> is where its
/// write sits on the global stream; <paramref name="EventPosition"/> is the acknowledged event's topological place.
/// </summary>
public sealed record ReceiptRecord(
    string RoomId,
    string UserId,
    string ReceiptType,
    string? ThreadId,
    string EventId,
    long Ts,
    bool IsPrivate,
    long StreamPosition,
    TopologicalPosition EventPosition);

/// <summary>What became of a receipt write.</summary>
public enum ReceiptWriteOutcome
{
    /// <summary>Stored at a new stream position.</summary>
    Stored = 0,

    /// <summary>The same receipt already points at this event, or at a later one: nothing changed.</summary>
    NotAhead = 1,

    /// <summary>The event is not stored in that room; nothing changed.</summary>
    UnknownEvent = 2,
}

/// <summary>The outcome of a receipt write and, when stored, its stream position.</summary>
public readonly record struct ReceiptWriteResult(ReceiptWriteOutcome Outcome, long? StreamPosition);

/// <summary>
/// Receipts, keyed by (room, user, receipt type, thread), each write at a position of the global stream. Receipts
/// only move forwards: a receipt for an event topologically before (or equal to) the one already stored is ignored.
/// Reads never return another user's private receipts and never anything beyond <c>upto</c>.
/// </summary>
public interface IReceiptStore
{
    /// <summary>Stores a receipt unless it is not ahead of the stored one or its event is not in the room (see <see cref="ReceiptWriteOutcome"/>).</summary>
    Task<ReceiptWriteResult> SetReceiptAsync(ReceiptWrite receipt, CancellationToken cancellationToken = default);

    /// <summary>
    /// The receipts of <paramref name="roomIds"/> written in (<paramref name="after"/>, <paramref name="upto"/>] that
    /// <paramref name="viewer"/> may see, in stream order.
    /// </summary>
    Task<IReadOnlyList<ReceiptRecord>> GetReceiptsChangedAsync(
        IReadOnlyCollection<string> roomIds, long after, long upto, string viewer, CancellationToken cancellationToken = default);

    /// <summary>
    /// A room's receipts as of <paramref name="upto"/> for a viewer who sees the room from scratch: all of the viewer's
    /// own, and the <paramref name="othersLimit"/> most recently written public receipts of others; in stream order.
    /// </summary>
    Task<IReadOnlyList<ReceiptRecord>> GetRoomReceiptsAsync(
        string roomId, string viewer, long upto, int othersLimit, CancellationToken cancellationToken = default);

    /// <summary>Every receipt of <paramref name="userId"/> in the room (private ones included), in stream order.</summary>
    Task<IReadOnlyList<ReceiptRecord>> GetUserReceiptsAsync(string roomId, string userId, CancellationToken cancellationToken = default);
}
