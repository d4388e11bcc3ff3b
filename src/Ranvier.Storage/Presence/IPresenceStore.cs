namespace Ranvier.Storage.Presence;

/// <summary>
/// A user's presence as stored (spec: client-server API "Presence"): the state (online, unavailable, offline),
/// the optional status message, when the user was last active (ms since the epoch, 0 for never), whether they
/// count as currently active, and the global stream position of the last visible change.
/// </summary>
public sealed record PresenceRecord(string UserId, string State, string? StatusMessage, long LastActiveTs, bool CurrentlyActive, long StreamPosition);

/// <summary>
/// Presence rows. Every visible change (<see cref="SetAsync"/>) takes the next position of the global stream in its
/// write transaction, so /sync reads presence changes the same way it reads room events; mere activity
/// (<see cref="TouchLastActiveAsync"/>) takes none.
/// </summary>
public interface IPresenceStore
{
    /// <summary>The user's presence, or null when none was ever stored.</summary>
    Task<PresenceRecord?> GetAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The stored presence of those of <paramref name="userIds"/> that have any, in user-ID order.</summary>
    Task<IReadOnlyList<PresenceRecord>> GetManyAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>Every user whose last visible change sits in (<paramref name="after"/>, <paramref name="upto"/>], in stream order.</summary>
    Task<IReadOnlyList<PresenceRecord>> GetChangedAsync(long after, long upto, CancellationToken cancellationToken = default);

    /// <summary>Every user whose stored state is not offline (the server schedules their time-outs at start).</summary>
    Task<IReadOnlyList<PresenceRecord>> GetNotOfflineAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a visible change at the next position of the global stream, replacing the user's row; returns the
    /// row as stored (with that position).
    /// </summary>
    Task<PresenceRecord> SetAsync(string userId, string state, string? statusMessage, long lastActiveTs, bool currentlyActive, CancellationToken cancellationToken = default);

    /// <summary>Moves an existing row's last-active time forward without a stream position; false when the user has no row.</summary>
    Task<bool> TouchLastActiveAsync(string userId, long lastActiveTs, CancellationToken cancellationToken = default);
}
