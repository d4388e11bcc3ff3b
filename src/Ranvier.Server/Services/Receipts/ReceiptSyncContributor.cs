using System.Text.Json.Nodes;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Receipts;

namespace Ranvier.Server.Services.Receipts;

/// <summary>
/// The <c>m.receipt</c> ephemeral events of joined rooms in /sync (spec: "Receipts"). For a room sent incrementally:
/// the receipts written in (<c>From.Stream</c>, <c>Upto.Stream</c>], as deltas. For a room sent from scratch: all of
/// the user's own receipts and the <see cref="MaxOthersFromScratch"/> most recent receipts of others, which bounds the
/// event in rooms with thousands of members (older receipts point at old events clients rarely show). Another user's
/// m.read.private never leaves the store. Receipts are batched into one event per room and thread ("SHOULD be batched
/// into one event per room and thread"), which also keeps a user's unthreaded and threaded receipts for one event apart.
/// </summary>
public sealed class ReceiptSyncContributor(IReceiptStore store) : ISyncContributor
{
    public const string EventType = "m.receipt";

    /// <summary>Receipts of other users sent for a room that a sync sends from scratch.</summary>
    public const int MaxOthersFromScratch = 200;

    public async ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(response);
        var roomFilter = window.Request.Filter.Room;
        var filter = roomFilter.Ephemeral;
        if (!filter.AllowsType(EventType))
        {
            return;
        }

        var viewer = window.Request.UserId;
        var rooms = window.JoinedRoomIds.Where(r => roomFilter.AllowsRoom(r) && filter.AllowsRoom(r)).ToList();
        var receipts = new List<ReceiptRecord>();
        var incremental = rooms.Where(r => !window.FromScratchRoomIds.Contains(r)).ToList();
        if (window.From is { } from && incremental.Count > 0 && window.Changes.MayInclude(SyncChanges.Receipts))
        {
            receipts.AddRange(await store.GetReceiptsChangedAsync(incremental, from.Stream, window.Upto.Stream, viewer, cancellationToken).ConfigureAwait(false));
        }

        foreach (var roomId in rooms.Where(window.FromScratchRoomIds.Contains))
        {
            receipts.AddRange(await store.GetRoomReceiptsAsync(roomId, viewer, window.Upto.Stream, MaxOthersFromScratch, cancellationToken).ConfigureAwait(false));
        }

        // The senders lists apply to the users who sent the receipts: the event itself has no sender.
        foreach (var batch in receipts.Where(r => filter.Allows(EventType, r.UserId)).GroupBy(r => (r.RoomId, r.ThreadId)))
        {
            EphemeralEvents.TryAdd(response, batch.Key.RoomId, filter, ToEvent(batch));
        }
    }

    /// <summary>One m.receipt event: event ID → receipt type → user ID → {ts, thread_id}.</summary>
    private static JsonObject ToEvent(IEnumerable<ReceiptRecord> receipts)
    {
        var content = new JsonObject();
        foreach (var receipt in receipts)
        {
            if (content[receipt.EventId] is not JsonObject byType)
            {
                byType = [];
                content[receipt.EventId] = byType;
            }

            if (byType[receipt.ReceiptType] is not JsonObject byUser)
            {
                byUser = [];
                byType[receipt.ReceiptType] = byUser;
            }

            var entry = new JsonObject { ["ts"] = receipt.Ts };
            if (receipt.ThreadId is not null)
            {
                entry["thread_id"] = receipt.ThreadId;
            }

            byUser[receipt.UserId] = entry;
        }

        return new JsonObject { ["type"] = EventType, ["content"] = content };
    }
}
