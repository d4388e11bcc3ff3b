using System.Text.Json.Nodes;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Presence;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Presence;

/// <summary>
/// The <c>presence</c> section of /sync (spec: GET /sync, "Presence"): <c>m.presence</c> events of the users who share a
/// room with the requester, and of the requester. An initial sync gets everyone's current presence (offline users
/// without a status message left out); an incremental one gets presence changed in (from, upto], plus the current
/// presence of users who came to share a room since <c>from</c>. The filter's <c>presence</c> part applies.
/// </summary>
internal sealed class PresenceSyncContributor(PresenceService presence, IPresenceStore store, IRoomMembershipStore memberships) : ISyncContributor
{
    /// <summary>At most this many presence events per response when the filter gives no (smaller) limit.</summary>
    public const int MaxEvents = 1000;

    private const string EventType = "m.presence";

    public ValueTask OnRequestAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ValueTask(presence.OnSyncAsync(request.UserId, request.SetPresence, request.IsGuest, cancellationToken));
    }

    public async ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(response);
        var request = window.Request;
        var filter = request.Filter.Presence;
        if (!presence.Enabled)
        {
            return;
        }

        // A response is the end of a sync (or of one wait in it): the offline time-out counts from here.
        await presence.NoteSyncingAsync(request.UserId, request.SetPresence, request.IsGuest, cancellationToken).ConfigureAwait(false);

        // An incremental sync has news only if someone's presence changed or someone came to share a room.
        if (window.From is not null && !window.Changes.MayInclude(SyncChanges.Presence | SyncChanges.Members))
        {
            return;
        }

        var mates = (await memberships.GetRoomMatesAsync(request.UserId, cancellationToken).ConfigureAwait(false))
            .Where(m => filter.Allows(EventType, m.UserId))
            .ToDictionary(m => m.UserId, m => m.SharedSince, StringComparer.Ordinal);
        if (filter.Allows(EventType, request.UserId))
        {
            mates.TryAdd(request.UserId, 0);
        }

        if (mates.Count == 0)
        {
            return;
        }

        var upto = window.Upto.Stream;
        IEnumerable<PresenceRecord> records;
        if (window.From is not { } from)
        {
            records = (await store.GetManyAsync(mates.Keys, cancellationToken).ConfigureAwait(false))
                .Where(r => r.StreamPosition <= upto && (r.State != PresenceStates.Offline || r.StatusMessage is not null));
        }
        else
        {
            var changed = (await store.GetChangedAsync(from.Stream, upto, cancellationToken).ConfigureAwait(false))
                .Where(r => mates.ContainsKey(r.UserId)).ToList();
            var newlyShared = mates.Where(m => m.Value > from.Stream && m.Value <= upto).Select(m => m.Key)
                .Except(changed.Select(r => r.UserId), StringComparer.Ordinal).ToList();
            if (newlyShared.Count > 0)
            {
                changed.AddRange((await store.GetManyAsync(newlyShared, cancellationToken).ConfigureAwait(false)).Where(r => r.StreamPosition <= upto));
            }

            records = changed;
        }

        // The most recent changes win when the limit cuts; they are sent oldest first, like every stream.
        var limit = (int)Math.Clamp(filter.Limit ?? MaxEvents, 1, MaxEvents);
        foreach (var record in records.OrderByDescending(r => r.StreamPosition).Take(limit).OrderBy(r => r.StreamPosition))
        {
            response.Presence.Add((JsonNode)presence.ToEvent(record));
        }
    }
}
