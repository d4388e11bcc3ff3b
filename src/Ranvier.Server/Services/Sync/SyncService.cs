using Ranvier.Storage;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// GET /sync (spec: client-server API, "Syncing"): computes the response up to the notifier's current positions
/// and, when there is nothing to say to a client that gave a token and a timeout, long-polls on the notifier and
/// computes again, until something arrives or the timeout passes. The store is never polled on a timer.
/// </summary>
public sealed class SyncService(
    StreamNotifier notifier,
    SyncMemberships memberships,
    RoomsSync rooms,
    AccountDataSync accountData,
    SyncChangeIndex changeIndex,
    IRanvierStore store,
    IEnumerable<ISyncContributor> contributors)
{
    /// <summary>The longest a sync waits, whatever timeout it asks for (clients use 30 s).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(3);

    private readonly ISyncContributor[] _contributors = [.. contributors];

    /// <summary>Answers one /sync; <paramref name="timeout"/> is how long to wait for news (zero: answer at once).</summary>
    public async Task<SyncResponse> SyncAsync(SyncRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var contributor in _contributors)
        {
            await contributor.OnRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var upto = NotBefore(notifier.Current, request.Since);
        var mayWait = request.Since is not null && !request.FullState && timeout > TimeSpan.Zero;

        // A long-poll from the current position (what a client does right after its previous response) has nothing to
        // read yet, unless a contributor holds something back that positions do not show: it starts waiting at once.
        SyncResponse? response = null;
        IReadOnlySet<string>? joined = null;
        var roomsEmpty = true;
        var changes = SyncChanges.None;
        if (!mayWait || upto != request.Since || _contributors.Any(c => c.HasBacklog(request)))
        {
            (response, joined, roomsEmpty, changes) = await ComputeAsync(request, upto, null, cancellationToken).ConfigureAwait(false);
            if (!response.IsEmpty || !mayWait)
            {
                return response;
            }
        }

        using var timer = new CancellationTokenSource(timeout > MaxTimeout ? MaxTimeout : timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        while (true)
        {
            SyncToken next;
            try
            {
                next = await notifier.WaitBeyondAsync(upto, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Nothing arrived: an empty response whose next_batch covers everything looked at (and, like every
                // response, the parts that are always present, such as one-time key counts).
                return response ?? (await ComputeAsync(request, upto, changes, cancellationToken).ConfigureAwait(false)).Response;
            }

            // Most wake-ups concern other users: the change index says so without touching the store. Everything up to
            // the old position added nothing; what the new stretch changed for this user decides what is read again.
            // (A room section that only looked empty, e.g. a new room whose events the filter hides, is recomputed so
            // it is not lost.)
            changes |= changeIndex.Describe(request.UserId, joined, upto.Stream, next.Stream);
            upto = next;
            if (roomsEmpty && joined is not null && !changes.MayInclude(SyncChanges.Rooms))
            {
                var contributed = new SyncResponse(upto);
                var window = Window(request, upto, joined, fromScratch: new HashSet<string>(), changes);
                response = await store.InSnapshotAsync(
                    async () =>
                    {
                        await ContributeAsync(window, contributed, cancellationToken).ConfigureAwait(false);
                        return contributed;
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (response, joined, roomsEmpty, _) = await ComputeAsync(request, upto, changes, cancellationToken).ConfigureAwait(false);
            }

            if (!response.IsEmpty)
            {
                return response;
            }
        }
    }

    /// <summary>
    /// The whole response for the window up to <paramref name="upto"/>, the rooms the user is joined to then, whether
    /// the rooms and account data added nothing at all (before the contributors), and what the window changed for the
    /// user (<paramref name="known"/> when the caller followed it; otherwise asked of the index). Everything is read
    /// from one snapshot of the store, taken after <paramref name="upto"/> was announced, so it holds the whole window
    /// and the parts of the response agree with each other (and a woken sync costs one read transaction, not a dozen).
    /// </summary>
    private Task<(SyncResponse Response, IReadOnlySet<string> Joined, bool RoomsEmpty, SyncChanges Changes)> ComputeAsync(
        SyncRequest request, SyncToken upto, SyncChanges? known, CancellationToken cancellationToken) =>
        store.InSnapshotAsync(() => ComputeInSnapshotAsync(request, upto, known, cancellationToken), cancellationToken);

    private async Task<(SyncResponse Response, IReadOnlySet<string> Joined, bool RoomsEmpty, SyncChanges Changes)> ComputeInSnapshotAsync(
        SyncRequest request, SyncToken upto, SyncChanges? known, CancellationToken cancellationToken)
    {
        var syncRooms = await memberships.GetRoomsAsync(request, upto.Stream, cancellationToken).ConfigureAwait(false);
        var joined = syncRooms.Where(r => r.Section == SyncSection.Join).Select(r => r.RoomId).ToHashSet(StringComparer.Ordinal);
        var fromScratch = syncRooms.Where(r => r.Section == SyncSection.Join && r.FromScratch).Select(r => r.RoomId).ToHashSet(StringComparer.Ordinal);
        var from = request.FullState ? null : request.Since;
        var changes = known ?? (from is { } f ? changeIndex.Describe(request.UserId, joined, f.Stream, upto.Stream) : SyncChanges.Unknown);
        var window = Window(request, upto, joined, fromScratch, changes);
        var response = new SyncResponse(upto);
        var (global, byRoom) = await accountData.ReadAsync(window, cancellationToken).ConfigureAwait(false);
        var globalEvents = global.ToList();
        global.Clear();
        foreach (var item in globalEvents)
        {
            response.AccountData.Add(item);
        }

        await rooms.AddAsync(window, syncRooms, byRoom, response, cancellationToken).ConfigureAwait(false);
        var roomsEmpty = response.AccountData.Count == 0 && response.Join.Count == 0 && response.Invite.Count == 0
            && response.Knock.Count == 0 && response.Leave.Count == 0;
        await ContributeAsync(window, response, cancellationToken).ConfigureAwait(false);
        return (response, joined, roomsEmpty, changes);
    }

    private async Task ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        foreach (var contributor in _contributors)
        {
            await contributor.ContributeAsync(window, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static SyncWindow Window(SyncRequest request, SyncToken upto, IReadOnlySet<string> joined, IReadOnlySet<string> fromScratch, SyncChanges changes) => new()
    {
        Request = request,
        Upto = upto,
        JoinedRoomIds = joined,
        FromScratchRoomIds = fromScratch,
        Changes = changes,
    };

    /// <summary>next_batch never goes backwards: a token from before a restart may carry a typing position above the new one.</summary>
    private static SyncToken NotBefore(SyncToken current, SyncToken? since) =>
        since is { } s ? new SyncToken(Math.Max(current.Stream, s.Stream), Math.Max(current.Typing, s.Typing)) : current;
}
