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

    /// <summary>Adds this contributor's part of the response for <paramref name="window"/>.</summary>
    ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken);
}
