using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Services.DeviceLists;

/// <summary>
/// The <c>device_lists</c> part of /sync (spec: GET /sync, <c>device_lists</c>; "Tracking the device list for a
/// user"). Only incremental syncs carry it: an initial (or full_state) sync has no earlier point to compare with, and
/// clients fetch every tracked user's keys after one. Two reads in one snapshot (docs/device-lists.md).
/// </summary>
public sealed class DeviceListSyncContributor(DeviceListService deviceLists) : ISyncContributor
{
    public async ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(response);
        // Device-list writes are not in the change index (so they read as unknown); otherwise only a membership change
        // can change whose devices the user tracks.
        if (window.From is not { } from || !window.Changes.MayInclude(SyncChanges.Members))
        {
            return;
        }

        var delta = await deviceLists.GetDeltaAsync(window.Request.UserId, from.Stream, window.Upto.Stream, cancellationToken).ConfigureAwait(false);
        response.DeviceListsChanged.UnionWith(delta.Changed);
        response.DeviceListsLeft.UnionWith(delta.Left);
    }
}
