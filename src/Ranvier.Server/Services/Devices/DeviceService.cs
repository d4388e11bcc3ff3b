using Ranvier.Server.Http;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Services.Devices;

/// <summary>
/// A user's own devices (spec: client-server API "Device management"). Deleting a device deletes its
/// access tokens with it, so its session ends at once. Deleting or renaming a device is a device-list change, announced
/// after the commit (docs/device-lists.md).
/// </summary>
public sealed class DeviceService(IAccountStore accounts, StreamNotifier notifier)
{
    public Task<IReadOnlyList<DeviceRecord>> ListAsync(string userId, CancellationToken cancellationToken) =>
        accounts.ListDevicesAsync(userId, cancellationToken);

    /// <summary>One device of the user; 404 M_NOT_FOUND when the user has no such device.</summary>
    public async Task<DeviceRecord> GetAsync(string userId, string deviceId, CancellationToken cancellationToken) =>
        await accounts.GetDeviceAsync(userId, deviceId, cancellationToken) ?? throw UnknownDevice();

    /// <summary>
    /// Updates a device's metadata (PUT /devices/{deviceId}); a null <paramref name="displayName"/> leaves
    /// the name unchanged. 404 M_NOT_FOUND for an unknown device: only application services may create
    /// devices this way, and none exist yet.
    /// </summary>
    public async Task UpdateAsync(string userId, string deviceId, string? displayName, CancellationToken cancellationToken)
    {
        bool found;
        if (displayName is null)
        {
            found = await accounts.GetDeviceAsync(userId, deviceId, cancellationToken) is not null;
        }
        else
        {
            var renamed = await accounts.RenameDeviceAsync(userId, deviceId, displayName, cancellationToken);
            notifier.AnnounceDeviceListChange(renamed.StreamPosition);
            found = renamed.Outcome;
        }

        if (!found)
        {
            throw UnknownDevice();
        }
    }

    /// <summary>Deletes devices of the user with their tokens; devices already gone are fine (the spec calls deletion idempotent).</summary>
    public async Task<int> DeleteAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        var deleted = await accounts.DeleteDevicesAsync(userId, deviceIds, cancellationToken);
        notifier.AnnounceDeviceListChange(deleted.StreamPosition);
        return deleted.Outcome;
    }

    private static MatrixError UnknownDevice() => MatrixError.NotFound("Unknown device");
}
