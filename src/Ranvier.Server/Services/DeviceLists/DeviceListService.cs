using Ranvier.Server.Http;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.DeviceLists;

/// <summary>
/// Which users' device lists a user should look at again (spec: client-server API "Tracking the device list for a
/// user"): the one answer behind /sync's <c>device_lists</c> and GET /keys/changes. See docs/device-lists.md.
/// </summary>
public sealed class DeviceListService(IDeviceListStore store)
{
    /// <summary>The delta for <paramref name="userId"/> over the stream positions in (<paramref name="after"/>, <paramref name="upto"/>].</summary>
    public Task<DeviceListDelta> GetDeltaAsync(string userId, long after, long upto, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return upto <= after
            ? Task.FromResult(new DeviceListDelta([], []))
            : store.GetDeltaAsync(userId, after, upto, cancellationToken);
    }

    /// <summary>
    /// GET /keys/changes: <paramref name="from"/> and <paramref name="to"/> are sync tokens (both required; 400
    /// M_MISSING_PARAM when absent, M_INVALID_PARAM when not a token of this server). A <c>to</c> before <c>from</c>
    /// is an empty window, not an error.
    /// </summary>
    public Task<DeviceListDelta> GetChangesAsync(string userId, string? from, string? to, CancellationToken cancellationToken)
    {
        var after = ParseToken(from, "from");
        var upto = ParseToken(to, "to");
        return GetDeltaAsync(userId, after.Stream, upto.Stream, cancellationToken);
    }

    private static SyncToken ParseToken(string? text, string name)
    {
        if (text is null)
        {
            throw MatrixError.MissingParam($"'{name}' is required: a next_batch token from /sync");
        }

        return SyncToken.TryParse(text, out var token)
            ? token
            : throw MatrixError.InvalidParam($"'{name}' is not a sync token of this server");
    }
}
