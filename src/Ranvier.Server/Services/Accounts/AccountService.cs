using System.Security.Cryptography;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Devices;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Services.Accounts;

/// <summary>
/// A new session: the tokens are shown to the client once and stored only as hashes. A refreshable session
/// has a refresh token and an access token that expires after <see cref="ExpiresInMs"/>.
/// </summary>
public sealed record SessionGrant(string UserId, string DeviceId, string AccessToken, string? RefreshToken = null, long? ExpiresInMs = null);

/// <summary>
/// Accounts and their sessions: registration, password login and logout. Each operation is one store
/// transaction, so a failed request leaves nothing behind. A device added or deleted is a device-list change the store
/// records in that transaction; it is announced here after the commit, so room mates' syncs wake (docs/device-lists.md).
/// </summary>
public sealed class AccountService(RanvierOptions options, IAccountStore accounts, StreamNotifier notifier, TimeProvider time)
{
    /// <summary>How long a login token from /login/get_token may be used: long enough to carry it to another device.</summary>
    public static readonly TimeSpan LoginTokenLifetime = TimeSpan.FromMinutes(2);

    private const string DeviceIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string LocalpartAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string GuestLocalpartAlphabet = "0123456789";
    private readonly ServerName serverName = ServerName.Parse(options.ServerName);

    /// <summary>
    /// Checks that <paramref name="localpart"/> may name a new account here (spec: user identifiers, the
    /// grammar for new IDs) and is free. Throws 400 M_INVALID_USERNAME or M_USER_IN_USE.
    /// </summary>
    public async Task<UserId> CheckAvailableAsync(string localpart, CancellationToken cancellationToken)
    {
        var userId = ParseNewLocalpart(localpart);
        if (await accounts.GetUserAsync(userId.ToString(), cancellationToken) is not null)
        {
            throw UserInUse();
        }

        return userId;
    }

    /// <summary>Validates a requested localpart without looking at the store.</summary>
    public UserId ParseNewLocalpart(string localpart)
    {
        ArgumentNullException.ThrowIfNull(localpart);
        if (!UserId.TryCreate(localpart, serverName, out var userId, out var reason))
        {
            throw new MatrixError(StatusCodes.Status400BadRequest, "M_INVALID_USERNAME", "Invalid username: " + reason);
        }

        return userId;
    }

    /// <summary>
    /// Creates an account (with a generated localpart when none is asked for) and, unless
    /// <paramref name="inhibitLogin"/>, its first device and access token.
    /// </summary>
    public Task<(string UserId, SessionGrant? Session)> RegisterAsync(
        string? localpart, string password, string? deviceId, string? deviceDisplayName, bool inhibitLogin, bool refreshable, CancellationToken cancellationToken) =>
        RegisterUserAsync(localpart, password, admin: false, deviceId, deviceDisplayName, inhibitLogin, refreshable, cancellationToken);

    /// <summary>
    /// Creates a full account, optionally a server administrator (shared-secret registration), and unless
    /// <paramref name="inhibitLogin"/> its first device and access token (refreshable when asked for).
    /// </summary>
    public async Task<(string UserId, SessionGrant? Session)> RegisterUserAsync(
        string? localpart, string password, bool admin, string? deviceId, string? deviceDisplayName, bool inhibitLogin, bool refreshable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var userId = localpart is null ? await GenerateUserIdAsync(LocalpartAlphabet, cancellationToken) : ParseNewLocalpart(localpart);
        var user = new UserRecord(userId.ToString(), Argon2id.Hash(password, options.PasswordHashCost), AccountKind.User, Now(), Admin: admin)
        {
            // A new profile starts with the localpart as display name, as Synapse does; same transaction as the user.
            InitialDisplayName = userId.Localpart,
        };
        var session = await CreateAsync(user, deviceId, deviceDisplayName, inhibitLogin, refreshable, cancellationToken);
        return (user.UserId, session);
    }

    /// <summary>
    /// Checks a request to upgrade a guest account (spec: "Guest access"): <paramref name="guestAccessToken"/>
    /// must belong to an active guest, and <paramref name="username"/> must be that guest's localpart. Returns
    /// the guest's user ID; 403 M_FORBIDDEN for a token that is not a guest's, 400 for a missing or other name.
    /// </summary>
    public async Task<string> CheckGuestUpgradeAsync(string guestAccessToken, string? username, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guestAccessToken);
        var guest = await accounts.FindSessionAsync(AccessTokens.Hash(guestAccessToken), cancellationToken);
        if (guest is null || guest.Kind != AccountKind.Guest || guest.Deactivated)
        {
            throw MatrixError.Forbidden("guest_access_token is not the access token of a guest account");
        }

        if (username is null)
        {
            throw MatrixError.MissingParam("'username' is required to upgrade a guest account: the guest's localpart");
        }

        if (ParseNewLocalpart(username).ToString() != guest.Token.UserId)
        {
            throw MatrixError.InvalidParam("'username' must be the guest account's localpart");
        }

        return guest.Token.UserId;
    }

    /// <summary>Upgrades a checked guest account to a full one with a password and, unless inhibited, a new session.</summary>
    public async Task<SessionGrant?> UpgradeGuestAsync(
        string userId, string password, string? deviceId, string? deviceDisplayName, bool inhibitLogin, bool refreshable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        DeviceRecord? device = null;
        AccessTokenRecord? token = null;
        SessionGrant? session = null;
        if (!inhibitLogin)
        {
            (device, token, session) = NewSession(userId, deviceId, deviceDisplayName, refreshable);
        }

        try
        {
            var upgrade = await accounts.UpgradeGuestAsync(userId, Argon2id.Hash(password, options.PasswordHashCost), device, token, cancellationToken);
            notifier.AnnounceDeviceListChange(upgrade.StreamPosition);
            if (!upgrade.Outcome)
            {
                // Upgraded (or deactivated) by a concurrent request since the check.
                throw UserInUse();
            }
        }
        catch (StorageConflictException)
        {
            throw MatrixError.InvalidParam("device_id names a device the guest account already has");
        }

        return session;
    }

    /// <summary>
    /// Creates a guest account (spec: "Guest access"): a generated all-digit localpart, no password, and a
    /// device with an access token.
    /// </summary>
    public async Task<SessionGrant> RegisterGuestAsync(string? deviceDisplayName, CancellationToken cancellationToken)
    {
        var userId = await GenerateUserIdAsync(GuestLocalpartAlphabet, cancellationToken);
        var user = new UserRecord(userId.ToString(), null, AccountKind.Guest, Now());
        return (await CreateAsync(user, null, deviceDisplayName, inhibitLogin: false, refreshable: false, cancellationToken))!;
    }

    private async Task<SessionGrant?> CreateAsync(
        UserRecord user, string? deviceId, string? deviceDisplayName, bool inhibitLogin, bool refreshable, CancellationToken cancellationToken)
    {
        DeviceRecord? device = null;
        AccessTokenRecord? tokenRecord = null;
        SessionGrant? session = null;
        if (!inhibitLogin)
        {
            (device, tokenRecord, session) = NewSession(user.UserId, deviceId, deviceDisplayName, refreshable);
        }

        try
        {
            notifier.AnnounceDeviceListChange(await accounts.RegisterAsync(user, device, tokenRecord, cancellationToken));
        }
        catch (StorageConflictException)
        {
            throw UserInUse();
        }

        return session;
    }

    /// <summary>
    /// Password login (spec: "Login", m.login.password). <paramref name="user"/> is a localpart or a full
    /// user ID of this server. A wrong password, an unknown or deactivated user all give the same 403, so the
    /// answer does not reveal which accounts exist.
    /// </summary>
    public async Task<SessionGrant> LoginWithPasswordAsync(
        string user, string password, string? deviceId, string? deviceDisplayName, bool refreshable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var userId = ResolveLocalUser(user);
        if (userId is null || !await CheckPasswordAsync(userId, password, cancellationToken))
        {
            throw MatrixError.Forbidden("Invalid username or password");
        }

        var (device, token, session) = NewSession(userId, deviceId, deviceDisplayName, refreshable);
        notifier.AnnounceDeviceListChange(await accounts.OpenSessionAsync(device, token, cancellationToken));
        return session;
    }

    /// <summary>
    /// Mints a single-use login token for <paramref name="userId"/> (spec: POST /login/get_token), valid for
    /// <see cref="LoginTokenLifetime"/>.
    /// </summary>
    public async Task<(string Token, long ExpiresInMs)> CreateLoginTokenAsync(string userId, CancellationToken cancellationToken)
    {
        var token = AccessTokens.GenerateLogin();
        var lifetime = (long)LoginTokenLifetime.TotalMilliseconds;
        await accounts.StoreLoginTokenAsync(AccessTokens.Hash(token), userId, Now() + lifetime, cancellationToken);
        return (token, lifetime);
    }

    /// <summary>
    /// Token login (spec: m.login.token): uses up the token and opens a session for its user. An unknown, used
    /// or expired token, or a deactivated account, is 403 M_FORBIDDEN.
    /// </summary>
    public async Task<SessionGrant> LoginWithTokenAsync(string token, string? deviceId, string? deviceDisplayName, bool refreshable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var userId = await accounts.ConsumeLoginTokenAsync(AccessTokens.Hash(token), Now(), cancellationToken);
        var user = userId is null ? null : await accounts.GetUserAsync(userId, cancellationToken);
        if (user is null || user.Deactivated)
        {
            throw MatrixError.Forbidden("Invalid or expired login token");
        }

        var (device, tokenRecord, session) = NewSession(user.UserId, deviceId, deviceDisplayName, refreshable);
        notifier.AnnounceDeviceListChange(await accounts.OpenSessionAsync(device, tokenRecord, cancellationToken));
        return session;
    }

    /// <summary>
    /// The one password check, used by login and by the m.login.password UIA stage: true when
    /// <paramref name="userId"/> is an active local account whose stored hash (Argon2id, or bcrypt from an
    /// imported Synapse database) matches. A matching hash that is bcrypt or an Argon2id of another cost is
    /// replaced by a fresh Argon2id hash at the configured cost.
    /// </summary>
    public async Task<bool> CheckPasswordAsync(string userId, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var record = await accounts.GetUserAsync(userId, cancellationToken);
        if (record is not { Deactivated: false, PasswordHash: { } hash } || !PasswordHashes.Verify(hash, password))
        {
            return false;
        }

        if (PasswordHashes.NeedsRehash(hash, options.PasswordHashCost))
        {
            // Compare-and-set: a password change that landed since the read is never overwritten.
            await accounts.ReplacePasswordHashAsync(userId, hash, Argon2id.Hash(password, options.PasswordHashCost), cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Sets a new password (spec: POST /account/password). With <paramref name="logoutDevices"/> every other
    /// device and its tokens are removed in the same transaction; the requesting device keeps its session.
    /// </summary>
    public async Task ChangePasswordAsync(RequestContext context, string newPassword, bool logoutDevices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(newPassword);
        var hash = Argon2id.Hash(newPassword, options.PasswordHashCost);
        var changed = await accounts.SetPasswordHashAsync(context.UserId, hash, logoutDevices ? context.DeviceId : null, cancellationToken);
        notifier.AnnounceDeviceListChange(changed.StreamPosition);
        if (!changed.Outcome)
        {
            throw MatrixError.NotFound("Unknown user");
        }
    }

    /// <summary>
    /// Deactivates the account (spec: POST /account/deactivate): marked deactivated, password cleared so
    /// login fails, every device and token removed, all in one transaction. The user ID stays taken.
    /// </summary>
    public async Task DeactivateAsync(RequestContext context, bool erase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var deactivated = await accounts.DeactivateUserAsync(context.UserId, erase, cancellationToken);
        notifier.AnnounceDeviceListChange(deactivated.StreamPosition);
        if (!deactivated.Outcome)
        {
            throw MatrixError.NotFound("Unknown user");
        }
    }

    /// <summary>
    /// Exchanges a refresh token for a new access token and refresh token (spec: POST /refresh). An unknown or
    /// revoked refresh token is 401 M_UNKNOWN_TOKEN with soft_logout, since logging in again on the same device
    /// recovers the session.
    /// </summary>
    public async Task<SessionGrant> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refreshToken);
        var oldHash = AccessTokens.Hash(refreshToken);
        var owner = await accounts.FindRefreshTokenOwnerAsync(oldHash, cancellationToken)
            ?? throw MatrixError.UnknownToken("Unknown or already used refresh token", softLogout: true);
        var (_, token, session) = NewSession(owner.UserId, owner.DeviceId, null, refreshable: true);
        if (await accounts.ExchangeRefreshTokenAsync(oldHash, token, cancellationToken) != RefreshOutcome.Refreshed)
        {
            // Revoked between the look-up and the exchange (a concurrent refresh or logout).
            throw MatrixError.UnknownToken("Unknown or already used refresh token", softLogout: true);
        }

        return session;
    }

    /// <summary>Ends the session of one device: the device and its tokens are deleted (spec: POST /logout).</summary>
    public async Task LogoutAsync(RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        notifier.AnnounceDeviceListChange((await accounts.DeleteDeviceAsync(context.UserId, context.DeviceId, cancellationToken)).StreamPosition);
    }

    /// <summary>Ends every session of the user (spec: POST /logout/all).</summary>
    public async Task LogoutAllAsync(RequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        notifier.AnnounceDeviceListChange((await accounts.DeleteAllDevicesAsync(context.UserId, cancellationToken)).StreamPosition);
    }

    private (DeviceRecord Device, AccessTokenRecord Token, SessionGrant Session) NewSession(string userId, string? deviceId, string? displayName, bool refreshable)
    {
        deviceId ??= RandomNumberGenerator.GetString(DeviceIdAlphabet, 10);
        var token = AccessTokens.Generate();
        var device = new DeviceRecord(userId, deviceId, displayName, null, Now());
        if (!refreshable)
        {
            return (device, new AccessTokenRecord(AccessTokens.Hash(token), userId, deviceId), new SessionGrant(userId, deviceId, token));
        }

        var refresh = AccessTokens.GenerateRefresh();
        var lifetime = (long)options.RefreshableAccessTokenLifetime.TotalMilliseconds;
        return (
            device,
            new AccessTokenRecord(AccessTokens.Hash(token), userId, deviceId, Now() + lifetime, AccessTokens.Hash(refresh)),
            new SessionGrant(userId, deviceId, token, refresh, lifetime));
    }

    /// <summary>The full user ID a login names (a localpart or a user ID of this server), or null when it names none.</summary>
    public string? ResolveLocalUser(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.StartsWith('@'))
        {
            return UserId.TryCreate(user.ToLowerInvariant(), serverName, out var id, out _) ? id.ToString() : null;
        }

        return UserId.TryParse(user, out var parsed) && parsed.Server == serverName ? parsed.ToString() : null;
    }

    private async Task<UserId> GenerateUserIdAsync(string alphabet, CancellationToken cancellationToken)
    {
        // 12 random characters: a collision is practically impossible, but a taken ID is still skipped.
        for (var attempt = 0; ; attempt++)
        {
            var candidate = ParseNewLocalpart(RandomNumberGenerator.GetString(alphabet, 12));
            if (attempt > 3 || await accounts.GetUserAsync(candidate.ToString(), cancellationToken) is null)
            {
                return candidate;
            }
        }
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static MatrixError UserInUse() => new(StatusCodes.Status400BadRequest, "M_USER_IN_USE", "That user ID is already taken");
}
