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
    SyncChangeIndex changes,
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
        var (response, joined) = await ComputeAsync(request, upto, cancellationToken).ConfigureAwait(false);
        if (!response.IsEmpty || request.Since is null || request.FullState || timeout <= TimeSpan.Zero)
        {
            return response;
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
                // Nothing arrived: an empty response whose next_batch covers everything looked at.
                return response;
            }

            // Most wake-ups concern other users: the change index says so without touching the store.
            // Rooms and account data had nothing up to the old position; if nothing up to the new one concerns them
            // either, only the contributors can have news.
            var roomsMayChange = changes.MayConcern(request.UserId, joined, upto.Stream, next.Stream);
            upto = next;
            if (!roomsMayChange)
            {
                response = new SyncResponse(upto);
                await ContributeAsync(Window(request, upto, joined, fromScratch: new HashSet<string>()), response, cancellationToken).ConfigureAwait(false);
                if (response.IsEmpty)
                {
                    continue;
                }

                return response;
            }

            (response, joined) = await ComputeAsync(request, upto, cancellationToken).ConfigureAwait(false);
            if (!response.IsEmpty)
            {
                return response;
            }
        }
    }

    /// <summary>The whole response for the window up to <paramref name="upto"/>, and the rooms the user is joined to then.</summary>
    private async Task<(SyncResponse Response, IReadOnlySet<string> Joined)> ComputeAsync(SyncRequest request, SyncToken upto, CancellationToken cancellationToken)
    {
        var syncRooms = await memberships.GetRoomsAsync(request, upto.Stream, cancellationToken).ConfigureAwait(false);
        var joined = syncRooms.Where(r => r.Section == SyncSection.Join).Select(r => r.RoomId).ToHashSet(StringComparer.Ordinal);
        var fromScratch = syncRooms.Where(r => r.Section == SyncSection.Join && r.FromScratch).Select(r => r.RoomId).ToHashSet(StringComparer.Ordinal);
        var window = Window(request, upto, joined, fromScratch);
        var response = new SyncResponse(upto);
        var (global, byRoom) = await accountData.ReadAsync(window, cancellationToken).ConfigureAwait(false);
        var globalEvents = global.ToList();
        global.Clear();
        foreach (var item in globalEvents)
        {
            response.AccountData.Add(item);
        }

        await rooms.AddAsync(window, syncRooms, byRoom, response, cancellationToken).ConfigureAwait(false);
        await ContributeAsync(window, response, cancellationToken).ConfigureAwait(false);
        return (response, joined);
    }

    private async Task ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        foreach (var contributor in _contributors)
        {
            await contributor.ContributeAsync(window, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static SyncWindow Window(SyncRequest request, SyncToken upto, IReadOnlySet<string> joined, IReadOnlySet<string> fromScratch) => new()
    {
        Request = request,
        Upto = upto,
        JoinedRoomIds = joined,
        FromScratchRoomIds = fromScratch,
    };

    /// <summary>next_batch never goes backwards: a token from before a restart may carry a typing position above the new one.</summary>
    private static SyncToken NotBefore(SyncToken current, SyncToken? since) =>
        since is { } s ? new SyncToken(Math.Max(current.Stream, s.Stream), Math.Max(current.Typing, s.Typing)) : current;
}
