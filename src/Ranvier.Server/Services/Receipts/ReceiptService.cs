using Ranvier.Protocol.Events;
using Ranvier.Protocol.Relations;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Receipts;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Receipts;

/// <summary>
/// Read receipts (spec: client-server API, "Receipts"): <c>m.read</c> and <c>m.read.private</c>, unthreaded or for a
/// thread. Only a member of the room may send one, for an event of the room they can see. A receipt only moves
/// forwards: one for an event at or before the user's current receipt of the same type and thread is accepted and
/// ignored (as Synapse does), so a client replaying old receipts cannot rewind anyone's read position. Each stored
/// receipt takes a position on the global stream and wakes /sync.
/// </summary>
public sealed class ReceiptService(IReceiptStore store, RoomEventReader reader, EventVisibility visibility, StreamNotifier notifier, SyncChangeIndex syncChanges, TimeProvider time)
{
    /// <summary>How many relations to follow from an event towards its thread root (spec: "a maximum of 3 hops is recommended").</summary>
    private const int MaxThreadHops = 3;

    /// <summary>Whether this endpoint stores receipts of <paramref name="receiptType"/> (m.fully_read is a read marker, not a receipt).</summary>
    public static bool IsReceiptType(string receiptType) => receiptType is ReceiptTypes.Read or ReceiptTypes.ReadPrivate;

    /// <summary>
    /// POST /rooms/{roomId}/receipt/{receiptType}/{eventId} for m.read and m.read.private. <paramref name="threadId"/>
    /// (already checked to be <c>main</c> or an event ID) must be the thread the event is in: 400 M_INVALID_PARAM otherwise.
    /// </summary>
    public async Task SendAsync(RequestContext context, string roomId, string receiptType, string eventId, string? threadId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsReceiptType(receiptType))
        {
            throw MatrixError.InvalidParam($"The receipt type must be {ReceiptTypes.Read}, {ReceiptTypes.ReadPrivate} or {ReceiptTypes.FullyRead}.");
        }

        await RequireJoinedAsync(context.UserId, roomId, cancellationToken).ConfigureAwait(false);
        var stored = await GetVisibleEventAsync(context.UserId, roomId, eventId, cancellationToken).ConfigureAwait(false);
        if (threadId is not null)
        {
            await CheckThreadAsync(stored, threadId, cancellationToken).ConfigureAwait(false);
        }

        await StoreAsync(context.UserId, roomId, receiptType, threadId, eventId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For notification counts: the user's furthest-read event in the room (spec: "between m.read and m.read.private,
    /// the receipt which is more ahead is used"), among unthreaded receipts and, when <paramref name="threadId"/> is
    /// given (<c>main</c> or a thread root), those of that thread. Null when the user sent none.
    /// </summary>
    public async Task<ReceiptRecord?> GetReadUpToAsync(string roomId, string userId, string? threadId, CancellationToken cancellationToken)
    {
        var receipts = await store.GetUserReceiptsAsync(roomId, userId, cancellationToken).ConfigureAwait(false);
        return receipts
            .Where(r => IsReceiptType(r.ReceiptType) && (r.ThreadId is null || (threadId is not null && r.ThreadId == threadId)))
            .MaxBy(r => r.EventPosition);
    }

    /// <summary>403 M_FORBIDDEN unless the user is joined to the room (an unknown room included).</summary>
    internal async Task RequireJoinedAsync(string userId, string roomId, CancellationToken cancellationToken)
    {
        if (await reader.GetMembershipAsync(roomId, userId, cancellationToken).ConfigureAwait(false) != Memberships.Join)
        {
            throw MatrixError.Forbidden("You are not joined to this room.");
        }
    }

    /// <summary>The event, when it belongs to the room and the user may see it; 404 M_NOT_FOUND otherwise (nothing is revealed).</summary>
    internal async Task<StoredEvent> GetVisibleEventAsync(string userId, string roomId, string eventId, CancellationToken cancellationToken)
    {
        var stored = await reader.Store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.RoomId != roomId || !await visibility.CanSeeAsync(userId, stored, cancellationToken).ConfigureAwait(false))
        {
            throw MatrixError.NotFound("Event not found.");
        }

        return stored;
    }

    /// <summary>Stores a checked receipt now and announces its stream position; an ignored (not newer) receipt changes nothing.</summary>
    internal async Task StoreAsync(string userId, string roomId, string receiptType, string? threadId, string eventId, CancellationToken cancellationToken)
    {
        var write = new ReceiptWrite(roomId, userId, receiptType, threadId, eventId, time.GetUtcNow().ToUnixTimeMilliseconds(), receiptType == ReceiptTypes.ReadPrivate);
        var result = await store.SetReceiptAsync(write, cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case ReceiptWriteOutcome.Stored:
                // Recorded as a receipt (no room timeline, no account data), so a woken sync asks only the contributors.
                syncChanges.Receipt(result.StreamPosition!.Value, roomId);
                notifier.Advance(result.StreamPosition.Value);
                break;
            case ReceiptWriteOutcome.UnknownEvent:
                throw MatrixError.NotFound("Event not found.");
        }
    }

    /// <summary>
    /// Spec: "Threaded read receipts": <c>main</c> takes events not in a thread (thread roots included); a root's event
    /// ID takes the events of its thread, and the root itself.
    /// </summary>
    private async Task CheckThreadAsync(StoredEvent stored, string threadId, CancellationToken cancellationToken)
    {
        var thread = await ThreadOfAsync(stored, cancellationToken).ConfigureAwait(false);
        var fits = threadId == ReceiptTypes.MainThread ? thread is null : thread == threadId || stored.EventId == threadId;
        if (!fits)
        {
            throw MatrixError.InvalidParam(thread is null
                ? $"The event is not in the thread {threadId}."
                : $"The event is in the thread {thread}, not {threadId}.");
        }
    }

    /// <summary>
    /// The root of the thread an event is in, or null for the main timeline (spec: an event is in a thread when it has
    /// an m.thread relation, or a parent within a few hops has one).
    /// </summary>
    private async Task<string?> ThreadOfAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        var version = await reader.GetRoomVersionAsync(stored.RoomId, cancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            return null;
        }

        Pdu? current = RoomEventReader.ToPdu(stored, version);
        for (var hop = 0; hop < MaxThreadHops && current is not null; hop++)
        {
            if (EventRelation.From(current.Type, current.IsState, current.Content) is not { } relation)
            {
                return null;
            }

            if (relation.RelType == RelationTypes.Thread)
            {
                return relation.EventId;
            }

            current = await reader.GetPduAsync(relation.EventId, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.RoomId != stored.RoomId)
            {
                return null;
            }
        }

        return null;
    }
}
