using Ranvier.Server.Services.Sync;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.DeviceKeys;

/// <summary>
/// <c>device_one_time_keys_count</c> and <c>device_unused_fallback_key_types</c> of the syncing device in every /sync
/// (spec: "Extensions to /sync" of end-to-end encryption). The counts always name signed_curve25519 (zero included),
/// which clients read as "the server counts keys", and the fallback list is always present (an empty list tells the
/// device its fallback key was used). A claim does not wake the owner's long-poll: the counts ride on the next response.
/// </summary>
public sealed class OneTimeKeysSyncContributor(IDeviceKeyStore store) : ISyncContributor
{
    public async ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(response);
        var state = await store.GetOneTimeKeyStateAsync(window.Request.UserId, window.Request.DeviceId, cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, long>(state.Counts, StringComparer.Ordinal);
        counts.TryAdd(DeviceKeyService.SignedCurve25519, 0);
        response.OneTimeKeysCount = counts;
        response.UnusedFallbackKeyTypes = [.. state.UnusedFallbackAlgorithms];
    }
}
