namespace Ranvier.Storage.E2ee;

/// <summary>
/// Devices' end-to-end encryption keys (migration 16; spec: client-server API "Key Distribution"): identity keys,
/// one-time keys and fallback keys. Keys go with their device.
/// </summary>
public interface IDeviceKeyStore
{
    /// <summary>
    /// Stores an upload in one transaction: device keys (replacing different ones; recording a device-list change
    /// when they are new or changed), one-time keys (an ID already stored with the same content is skipped, with
    /// different content refuses the whole upload), and fallback keys (replacing the device's key of that algorithm,
    /// unused again).
    /// </summary>
    Task<DeviceKeyUploadResult> UploadAsync(DeviceKeyUpload upload, CancellationToken cancellationToken = default);

    /// <summary>The stored device keys of a device, or null.</summary>
    Task<string?> GetDeviceKeysJsonAsync(string userId, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The device keys of the asked users: every device with keys when the device list is empty, else the named ones
    /// that have keys. Users and devices without keys are simply absent.
    /// </summary>
    Task<IReadOnlyList<StoredDeviceKeys>> QueryAsync(
        IReadOnlyList<(string UserId, IReadOnlyList<string> DeviceIds)> query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims one key per request in one transaction: the device's oldest one-time key of the algorithm (deleted, so
    /// never handed out again), else its fallback key of the algorithm (marked used). Requests with neither are absent.
    /// </summary>
    Task<IReadOnlyList<ClaimedKey>> ClaimAsync(IReadOnlyList<KeyClaim> claims, CancellationToken cancellationToken = default);

    /// <summary>The device's one-time key counts and unused fallback key algorithms.</summary>
    Task<OneTimeKeyState> GetOneTimeKeyStateAsync(string userId, string deviceId, CancellationToken cancellationToken = default);
}
