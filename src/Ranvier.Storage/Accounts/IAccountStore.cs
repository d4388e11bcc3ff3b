namespace Ranvier.Storage.Accounts;

/// <summary>Whether an account is a full user or a guest (spec: client-server API, "Guest access").</summary>
public enum AccountKind
{
    User = 0,
    Guest = 1,
}

/// <summary>
/// A local account. <paramref name="PasswordHash"/> is an opaque hash string (null: no password login);
/// <paramref name="Admin"/> grants the server administration API.
/// </summary>
public sealed record UserRecord(string UserId, string? PasswordHash, AccountKind Kind, long CreatedTs, bool Deactivated = false, bool Admin = false)
{
    /// <summary>
    /// The display name the profile starts with, written in the same transaction as the user (null: none).
    /// Only read when the user is created.
    /// </summary>
    public string? InitialDisplayName { get; init; }
}

/// <summary>A device of a local user (spec: client-server API, "Device management").</summary>
public sealed record DeviceRecord(string UserId, string DeviceId, string? DisplayName, string? LastSeenIp = null, long? LastSeenTs = null);

/// <summary>
/// An access token as stored (storing one whose <c>RefreshTokenHash</c> is set stores that refresh token too): only its SHA-256 <paramref name="TokenHash"/>, never the token.
/// <paramref name="ExpiresTs"/> is null for a token that does not expire; <paramref name="RefreshTokenHash"/> links
/// the refresh token issued with it (spec: client-server API, "Refreshing access tokens").
/// </summary>
public sealed record AccessTokenRecord(byte[] TokenHash, string UserId, string DeviceId, long? ExpiresTs = null, byte[]? RefreshTokenHash = null)
{
    /// <summary>
    /// Set on an access token issued by a refresh: the refresh token it superseded, which stays valid until this
    /// token (or its sibling refresh token) is first used. See <see cref="IAccountStore.ConfirmRefreshAsync"/>.
    /// </summary>
    public byte[]? SupersedesRefreshHash { get; init; }
}

/// <summary>Whose a refresh token is.</summary>
public sealed record RefreshTokenOwner(string UserId, string DeviceId);

/// <summary>An access token together with what request authentication needs to know about its account.</summary>
public sealed record AuthenticatedSession(AccessTokenRecord Token, AccountKind Kind, bool Admin, bool Deactivated);

/// <summary>The outcome of exchanging a refresh token.</summary>
public enum RefreshOutcome
{
    /// <summary>The new access and refresh tokens are stored.</summary>
    Refreshed,

    /// <summary>The refresh token is unknown or already revoked.</summary>
    UnknownToken,
}

/// <summary>
/// What an account write did (<paramref name="Outcome"/>: found, how many, …) and the stream position of the device-list
/// change it recorded with it (migration 15; spec: "Tracking the device list for a user"), or null when it added, deleted
/// and renamed no device. The caller announces the position (StreamNotifier.Advance) after the commit.
/// </summary>
public readonly record struct DeviceListWrite<T>(T Outcome, long? StreamPosition);

/// <summary>
/// Users, their devices and the access tokens bound to those devices. Every write that adds, deletes or renames a device
/// records a device-list change in its transaction and returns that position.
/// </summary>
public interface IAccountStore
{
    /// <summary>Creates a user. Throws <see cref="StorageConflictException"/> when the user ID is taken.</summary>
    Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a user with, optionally, its first device and access token, in one transaction: either all
    /// exist afterwards or none. Throws <see cref="StorageConflictException"/> when the user ID is taken. Returns the
    /// device-list position when a device was created, else null.
    /// </summary>
    Task<long?> RegisterAsync(UserRecord user, DeviceRecord? device, AccessTokenRecord? token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Turns an active guest account into a full one with a password (spec: "Guest access", upgrading through
    /// /register), with optionally a new device and access token, in one transaction. The guest's existing
    /// devices and tokens stay. False when the user is not an active guest (nothing changes then).
    /// </summary>
    Task<DeviceListWrite<bool>> UpgradeGuestAsync(string userId, string passwordHash, DeviceRecord? device, AccessTokenRecord? token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a session of an existing user (login): creates the device unless it exists (then it is reused
    /// unchanged) and stores the access token, in one transaction. Returns the device-list position when the device is
    /// new, else null.
    /// </summary>
    Task<long?> OpenSessionAsync(DeviceRecord device, AccessTokenRecord token, CancellationToken cancellationToken = default);

    /// <summary>Deletes every device of a user and with them every access token (logout everywhere). Returns how many.</summary>
    Task<DeviceListWrite<int>> DeleteAllDevicesAsync(string userId, CancellationToken cancellationToken = default);

    Task<UserRecord?> GetUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a device of an existing user and returns its device-list position. Throws
    /// <see cref="StorageConflictException"/> when it exists.
    /// </summary>
    Task<long> CreateDeviceAsync(DeviceRecord device, CancellationToken cancellationToken = default);

    Task<DeviceRecord?> GetDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Records where and when a device was last seen (spec: "last_seen_ip", "last_seen_ts"). Returns false for an unknown device.</summary>
    Task<bool> UpdateDeviceLastSeenAsync(string userId, string deviceId, string? ip, long ts, CancellationToken cancellationToken = default);

    /// <summary>Deletes a device and, with it, every access token bound to it. Returns false when it did not exist.</summary>
    Task<DeviceListWrite<bool>> DeleteDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Stores an access token (by hash) for an existing device.</summary>
    Task StoreAccessTokenAsync(AccessTokenRecord token, CancellationToken cancellationToken = default);

    /// <summary>
    /// The hot path of request authentication: the token whose SHA-256 is <paramref name="tokenHash"/>, or null.
    /// Expiry is returned, not checked: the caller owns the clock.
    /// </summary>
    Task<AccessTokenRecord?> FindAccessTokenAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a user's password hash (null: no password login). When <paramref name="keepOnlyDeviceId"/> is
    /// given, every other device of the user and its tokens are deleted in the same transaction (a password
    /// change that logs out the other devices). Returns false for an unknown user, changing nothing.
    /// </summary>
    Task<DeviceListWrite<bool>> SetPasswordHashAsync(string userId, string? passwordHash, string? keepOnlyDeviceId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the password hash only if it is still <paramref name="expectedHash"/> (compare-and-set), so
    /// upgrading a hash after a login cannot undo a password change that happened meanwhile. Returns whether it replaced it.
    /// </summary>
    Task<bool> ReplacePasswordHashAsync(string userId, string expectedHash, string newHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deactivates a user in one transaction: marked deactivated, password hash cleared, every device and
    /// access token deleted; with <paramref name="erase"/> also the profile, account data and filters.
    /// Returns false for an unknown user.
    /// </summary>
    Task<DeviceListWrite<bool>> DeactivateUserAsync(string userId, bool erase = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets a device's display name (null clears it). Returns false for an unknown device. A real change is a device-list
    /// change (the name is part of /keys/query's <c>unsigned.device_display_name</c>; Synapse notifies too).
    /// </summary>
    Task<DeviceListWrite<bool>> RenameDeviceAsync(string userId, string deviceId, string? displayName, CancellationToken cancellationToken = default);

    /// <summary>Deletes the listed devices of a user with their tokens, in one transaction; unknown IDs are skipped. Returns how many were deleted.</summary>
    Task<DeviceListWrite<int>> DeleteDevicesAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken = default);

    /// <summary>Deletes every device of a user but <paramref name="keepDeviceId"/>, with their tokens. Returns how many were deleted.</summary>
    Task<DeviceListWrite<int>> DeleteDevicesExceptAsync(string userId, string keepDeviceId, CancellationToken cancellationToken = default);

    /// <summary>Stores a single-use login token (by hash) for <paramref name="userId"/>, valid until <paramref name="expiresTs"/>.</summary>
    Task StoreLoginTokenAsync(byte[] tokenHash, string userId, long expiresTs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Uses up a login token: deletes it and returns its user when it exists and has not expired at
    /// <paramref name="nowTs"/>, else null. Expired tokens are swept on the way.
    /// </summary>
    Task<string?> ConsumeLoginTokenAsync(byte[] tokenHash, long nowTs, CancellationToken cancellationToken = default);

    /// <summary>The owner of a valid refresh token, or null when it is unknown or revoked.</summary>
    Task<RefreshTokenOwner?> FindRefreshTokenOwnerAsync(byte[] refreshTokenHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Exchanges the refresh token <paramref name="oldRefreshHash"/> for <paramref name="newAccessToken"/> and the refresh
    /// token it names, in one transaction (spec: POST /refresh): the access tokens issued with the old refresh token
    /// are revoked; a successor issued earlier from the same old token (whose response the client never saw) is
    /// replaced; the old refresh token stays valid until the successor is first used; and using the old token
    /// revokes its own predecessor.
    /// </summary>
    Task<RefreshOutcome> ExchangeRefreshTokenAsync(byte[] oldRefreshHash, AccessTokenRecord newAccessToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// The first use of an access token issued by a refresh: revokes the refresh token it superseded and clears the
    /// mark, so later uses cost nothing.
    /// </summary>
    Task ConfirmRefreshAsync(byte[] accessTokenHash, byte[] supersededRefreshHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// The hot path of request authentication: the token whose SHA-256 is <paramref name="tokenHash"/> and its
    /// account's kind and flags, in one index probe and one join, or null.
    /// </summary>
    Task<AuthenticatedSession?> FindSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Deletes every access token of a device (logout). Returns how many were deleted.</summary>
    Task<int> DeleteAccessTokensAsync(string userId, string deviceId, CancellationToken cancellationToken = default);
}
