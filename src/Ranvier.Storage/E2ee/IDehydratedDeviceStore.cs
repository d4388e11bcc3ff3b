using Ranvier.Storage.ToDevice;

namespace Ranvier.Storage.E2ee;

/// <summary>A user's dehydrated device (MSC3814): its device ID and the client's encrypted <c>device_data</c> object.</summary>
public sealed record DehydratedDeviceRecord(string UserId, string DeviceId, string DeviceDataJson);

/// <summary>How setting a dehydrated device went.</summary>
public enum DehydratedDeviceSetStatus
{
    /// <summary>The device is the user's dehydrated device now.</summary>
    Set,

    /// <summary>The user has an ordinary device with that ID: it cannot become the dehydrated one. Nothing was written.</summary>
    DeviceIdInUse,
}

/// <summary>The outcome of <see cref="IDehydratedDeviceStore.SetAsync"/>.</summary>
/// <param name="Status"></param>
/// <param name="ReplacedDeviceId">The previous dehydrated device, deleted by this write; null when there was none or it had the same ID.</param>
/// <param name="StreamPosition">The device-list stream position recorded for the change; null when nothing was written.</param>
public sealed record DehydratedDeviceSetResult(DehydratedDeviceSetStatus Status, string? ReplacedDeviceId, long? StreamPosition);

/// <summary>
/// Dehydrated devices (MSC3814): at most one per user, an ordinary device (keys, to-device inbox) marked as dehydrated
/// and carrying opaque <c>device_data</c>. Adding or removing one changes the user's device list, so those writes record
/// a device-list change in their own transaction (docs/storage.md "Device-list changes").
/// </summary>
public interface IDehydratedDeviceStore
{
    /// <summary>The user's dehydrated device, or null.</summary>
    Task<DehydratedDeviceRecord?> GetAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="deviceId"/> the user's dehydrated device in one transaction: a previous dehydrated device
    /// with another ID is deleted (with its keys and inbox), the device is created with <paramref name="displayName"/>
    /// unless it is the previous dehydrated device itself (then only its data changes), and the device-list change is
    /// recorded. Refuses an ID that one of the user's ordinary devices has.
    /// </summary>
    Task<DehydratedDeviceSetResult> SetAsync(string userId, string deviceId, string? displayName, string deviceDataJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the user's dehydrated device (the device row, so its keys and inbox go too) and records the device-list
    /// change. Returns the deleted device's ID and the change's stream position, or null when there was none.
    /// </summary>
    Task<(string DeviceId, long StreamPosition)?> DeleteAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> messages of the device's to-device inbox with message IDs above
    /// <paramref name="afterMessageId"/>, in arrival order. Reading changes nothing: unlike /sync, a rehydration that
    /// stops half-way can start again (MSC3814).
    /// </summary>
    Task<IReadOnlyList<ToDeviceMessageRecord>> ReadInboxAsync(string userId, string deviceId, long afterMessageId, int limit, CancellationToken cancellationToken = default);
}
