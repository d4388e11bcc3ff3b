namespace Ranvier.Storage.E2ee;

/// <summary>
/// What one user should hear about other users' device lists over a window of the stream (spec: client-server API
/// "Tracking the device list for a user"; /sync <c>device_lists</c>, GET /keys/changes). <paramref name="Changed"/>:
/// users the user now shares a room with (or the user themself) whose device list changed in the window, and users who
/// came to share a room with them in it. <paramref name="Left"/>: users who may have stopped sharing any room with them
/// in the window and share none at its end. Both in user-ID order, never overlapping.
/// </summary>
public sealed record DeviceListDelta(IReadOnlyList<string> Changed, IReadOnlyList<string> Left)
{
    /// <summary>True when there is nothing to report.</summary>
    public bool IsEmpty => Changed.Count == 0 && Left.Count == 0;
}

/// <summary>
/// The read side of the device-list stream (migration 15, docs/device-lists.md). Writers record changes themselves, in
/// their own transactions (SqliteDeviceListChanges.Record); this reads (after, upto] windows of it.
/// </summary>
public interface IDeviceListStore
{
    /// <summary>Every user whose device list changed at a position in (<paramref name="after"/>, <paramref name="upto"/>], once each, in user-ID order.</summary>
    Task<IReadOnlyList<string>> GetChangedUsersAsync(long after, long upto, CancellationToken cancellationToken = default);

    /// <summary>
    /// The <see cref="DeviceListDelta"/> of <paramref name="userId"/> for (<paramref name="after"/>, <paramref name="upto"/>],
    /// read in one snapshot. Room sharing is judged on current state (both joined), as the presence stream does.
    /// </summary>
    Task<DeviceListDelta> GetDeltaAsync(string userId, long after, long upto, CancellationToken cancellationToken = default);
}
