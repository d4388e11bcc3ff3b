using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Services.Devices;

/// <summary>
/// The "notify" step of device-list writes (docs/device-lists.md): account and device writes return the position of the
/// device-list change they recorded, or null when they changed no device.
/// </summary>
internal static class DeviceListAnnouncements
{
    /// <summary>Announces a committed device-list change so long-polling syncs of room mates wake; null does nothing.</summary>
    public static void AnnounceDeviceListChange(this StreamNotifier notifier, long? position)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        if (position is { } committed)
        {
            notifier.Advance(committed);
        }
    }
}
