namespace Ranvier.Storage.E2ee;

/// <summary>A backup version's description (spec: GET /room_keys/version/{version}), with its key count and etag.</summary>
/// <param name="Version">Opaque to clients; this store numbers a user's versions 1, 2, 3 … and never reuses a number.</param>
/// <param name="Algorithm"></param>
/// <param name="AuthDataJson">The algorithm-dependent <c>auth_data</c> object, as the client sent it.</param>
/// <param name="Etag">Changes whenever the version's keys change.</param>
/// <param name="Count">How many session keys the version holds.</param>
public sealed record KeyBackupVersion(string Version, string Algorithm, string AuthDataJson, long Etag, long Count);

/// <summary>
/// One backed-up megolm session key (spec: KeyBackupData). <paramref name="SessionDataJson"/> is the client's encrypted
/// <c>session_data</c> object; the three metadata fields decide replacement (<see cref="IsBetterThan"/>).
/// </summary>
public sealed record BackedUpRoomKey(
    string RoomId, string SessionId, long FirstMessageIndex, long ForwardedCount, bool IsVerified, string SessionDataJson)
{
    /// <summary>
    /// Whether this key should replace <paramref name="stored"/> for the same session (spec: "Server-side key backups"):
    /// a verified key beats an unverified one; then the lower <c>first_message_index</c> wins (it decrypts more
    /// history); then the lower <c>forwarded_count</c>. A key equal in all three does not replace the stored one.
    /// </summary>
    public bool IsBetterThan(BackedUpRoomKey stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (IsVerified != stored.IsVerified)
        {
            return IsVerified;
        }

        if (FirstMessageIndex != stored.FirstMessageIndex)
        {
            return FirstMessageIndex < stored.FirstMessageIndex;
        }

        return ForwardedCount < stored.ForwardedCount;
    }
}

/// <summary>How a change to a backup version's keys went.</summary>
public enum KeyBackupWriteStatus
{
    /// <summary>Done; <see cref="KeyBackupWriteResult.Etag"/> and <see cref="KeyBackupWriteResult.Count"/> describe the version after it.</summary>
    Done,

    /// <summary>The user has no such version, or it was deleted (and, for uploads, the user has no current version at all).</summary>
    UnknownVersion,

    /// <summary>An upload named a version other than the current one (<see cref="KeyBackupWriteResult.CurrentVersion"/>).</summary>
    WrongVersion,
}

/// <summary>The outcome of <see cref="IKeyBackupStore.PutKeysAsync"/> or <see cref="IKeyBackupStore.DeleteKeysAsync"/>.</summary>
public sealed record KeyBackupWriteResult(KeyBackupWriteStatus Status, string? CurrentVersion, long Etag, long Count);

/// <summary>How an update of a version's <c>auth_data</c> went.</summary>
public enum KeyBackupUpdateStatus
{
    Updated,
    UnknownVersion,
    AlgorithmMismatch,
}

/// <summary>
/// Server-side key backups (spec: client-server API "Server-side key backups", key_backup.yaml): per user, numbered
/// backup versions, each holding encrypted megolm session keys by room and session. Keys may only be added to the
/// user's current version (the newest one not deleted). Every write is one transaction and writes nothing when it
/// reports anything but success. Version strings that are not this store's numbers are simply unknown.
/// </summary>
public interface IKeyBackupStore
{
    /// <summary>Creates a version, which becomes the current one; returns its version string.</summary>
    Task<string> CreateVersionAsync(string userId, string algorithm, string authDataJson, CancellationToken cancellationToken = default);

    /// <summary>The named version, or the current one when <paramref name="version"/> is null; null when there is none (or it was deleted).</summary>
    Task<KeyBackupVersion?> GetVersionAsync(string userId, string? version, CancellationToken cancellationToken = default);

    /// <summary>Replaces the version's <c>auth_data</c>; the algorithm must be the version's own.</summary>
    Task<KeyBackupUpdateStatus> UpdateVersionAsync(string userId, string version, string algorithm, string authDataJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the version deleted and deletes its keys. True when the version exists or was deleted before (deleting is
    /// idempotent, spec DELETE /room_keys/version/{version}); false when the user never had it.
    /// </summary>
    Task<bool> DeleteVersionAsync(string userId, string version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="keys"/> to <paramref name="version"/>, which must be the current version. A key for a session the
    /// version already holds replaces it only when <see cref="BackedUpRoomKey.IsBetterThan"/> says so. The etag moves
    /// when at least one key was added or replaced.
    /// </summary>
    Task<KeyBackupWriteResult> PutKeysAsync(string userId, string version, IReadOnlyList<BackedUpRoomKey> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// The version's keys: all of them, a room's (<paramref name="roomId"/>), or one session's (and <paramref name="sessionId"/>),
    /// ordered by room and session. Null when the version is unknown or deleted.
    /// </summary>
    Task<IReadOnlyList<BackedUpRoomKey>?> GetKeysAsync(string userId, string version, string? roomId, string? sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the version's keys, a room's, or one session's (any version not deleted, not only the current one). The
    /// etag moves when something was deleted.
    /// </summary>
    Task<KeyBackupWriteResult> DeleteKeysAsync(string userId, string version, string? roomId, string? sessionId, CancellationToken cancellationToken = default);
}
