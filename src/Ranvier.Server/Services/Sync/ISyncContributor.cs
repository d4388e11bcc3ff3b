namespace Ranvier.Server.Services.Sync;

/// <summary>
/// A part of the /sync response computed outside the room timeline (typing, receipts, presence, to-device…).
/// Every registered contributor is asked, in registration order, after the room sections are built. A contributor
/// reads only what lies in (<see cref="SyncWindow.From"/>, <see cref="SyncWindow.Upto"/>] and respects the
/// request's filter for its section. Its writes call <see cref="StreamNotifier"/> so long-polling syncs wake.
/// </summary>
public interface ISyncContributor
{
    /// <summary>
    /// Runs once per /sync request, before the server waits for news (e.g. <c>set_presence</c>, or deleting the
    /// to-device messages the <c>since</c> token acknowledges). Must be idempotent: clients retry syncs.
    /// </summary>
    ValueTask OnRequestAsync(SyncRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// True when this contributor holds something for the request that stream positions do not reveal (to-device
    /// messages a capped response left behind), so a long-poll from the current position must still compute first.
    /// </summary>
    bool HasBacklog(SyncRequest request) => false;

    /// <summary>
    /// Adds this contributor's part of the response for <paramref name="window"/>; it may skip its reads when
    /// <see cref="SyncWindow.Changes"/> rules out what it reports.
    /// </summary>
    ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken);
}
