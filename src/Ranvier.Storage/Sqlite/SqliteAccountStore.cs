using Microsoft.Data.Sqlite;
using Ranvier.Storage.Accounts;

namespace Ranvier.Storage.Sqlite;

internal sealed class SqliteAccountStore(SqliteWriteQueue writes, SqliteReadPool reads, SqliteSessionCache sessions) : IAccountStore
{
    public Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return writes.ExecuteAsync(s => InsertUser(s, user), cancellationToken);
    }

    public Task<long?> RegisterAsync(UserRecord user, DeviceRecord? device, AccessTokenRecord? token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return writes.ExecuteAsync(
            s =>
            {
                InsertUser(s, user);
                long? position = device is null ? null : InsertDevice(s, device);
                if (token is not null)
                {
                    InsertToken(s, token);
                }

                return position;
            },
            cancellationToken);
    }

    public Task<DeviceListWrite<bool>> UpgradeGuestAsync(string userId, string passwordHash, DeviceRecord? device, AccessTokenRecord? token, CancellationToken cancellationToken = default) =>
        sessions.AfterAsync(writes.ExecuteAsync(
            s =>
            {
                var upgraded = s.Command("UPDATE users SET kind = @user, password_hash = @p WHERE user_id = @u AND kind = @guest AND deactivated = 0")
                    .With("@user", (int)AccountKind.User).With("@guest", (int)AccountKind.Guest).With("@p", passwordHash).With("@u", userId)
                    .ExecuteNonQuery() > 0;
                long? position = upgraded && device is not null ? InsertDevice(s, device) : null;
                if (upgraded && token is not null)
                {
                    InsertToken(s, token);
                }

                return new DeviceListWrite<bool>(upgraded, position);
            },
            cancellationToken));

    public Task<long?> OpenSessionAsync(DeviceRecord device, AccessTokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(token);
        return writes.ExecuteAsync(
            s =>
            {
                // An existing device is reused as it is (its display name kept); a new one is created.
                var created = s.Command("INSERT INTO devices (user_id, device_id, display_name, last_seen_ip, last_seen_ts) VALUES (@u, @d, @n, @ip, @ts) ON CONFLICT DO NOTHING")
                    .With("@u", device.UserId).With("@d", device.DeviceId).With("@n", device.DisplayName)
                    .With("@ip", device.LastSeenIp).With("@ts", device.LastSeenTs).ExecuteNonQuery() > 0;
                InsertToken(s, token);
                return RecordIf(s, created, device.UserId);
            },
            cancellationToken);
    }

    public Task<DeviceListWrite<int>> DeleteAllDevicesAsync(string userId, CancellationToken cancellationToken = default) =>
        // Their access tokens go with them (ON DELETE CASCADE).
        sessions.AfterAsync(writes.ExecuteAsync(s => Deleted(s, userId, s.Command("DELETE FROM devices WHERE user_id = @u").With("@u", userId).ExecuteNonQuery()), cancellationToken));

    /// <summary>Records a device-list change for the user when <paramref name="changed"/>; its position, else null.</summary>
    private static long? RecordIf(SqliteSession s, bool changed, string userId) =>
        changed ? SqliteDeviceListChanges.Record(s, userId) : null;

    private static DeviceListWrite<int> Deleted(SqliteSession s, string userId, int count) => new(count, RecordIf(s, count > 0, userId));

    private static int InsertUser(SqliteSession s, UserRecord user)
    {
        int inserted;
        try
        {
            inserted = s.Command("INSERT INTO users (user_id, password_hash, kind, created_ts, deactivated, admin) VALUES (@u, @p, @k, @c, @d, @a)")
                .With("@u", user.UserId).With("@p", user.PasswordHash).With("@k", (int)user.Kind)
                .With("@c", user.CreatedTs).With("@d", user.Deactivated).With("@a", user.Admin).ExecuteNonQuery();
        }
        catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"The user {user.UserId} already exists.", e);
        }

        if (user.InitialDisplayName is { } displayName)
        {
            SqliteUserDataStore.InsertProfileField(s, user.UserId, "displayname", JsonText.String(displayName));
        }

        return inserted;
    }

    /// <summary>Inserts a new device and records the device-list change; returns its position.</summary>
    private static long InsertDevice(SqliteSession s, DeviceRecord device)
    {
        try
        {
            s.Command("INSERT INTO devices (user_id, device_id, display_name, last_seen_ip, last_seen_ts) VALUES (@u, @d, @n, @ip, @ts)")
                .With("@u", device.UserId).With("@d", device.DeviceId).With("@n", device.DisplayName)
                .With("@ip", device.LastSeenIp).With("@ts", device.LastSeenTs).ExecuteNonQuery();
            return SqliteDeviceListChanges.Record(s, device.UserId);
        }
        catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"The device {device.DeviceId} of {device.UserId} already exists.", e);
        }
    }

    public Task StoreLoginTokenAsync(byte[] tokenHash, string userId, long expiresTs, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("INSERT INTO login_tokens (token_hash, user_id, expires_ts) VALUES (@h, @u, @e)")
                .With("@h", tokenHash).With("@u", userId).With("@e", expiresTs).ExecuteNonQuery(),
            cancellationToken);

    public Task<string?> ConsumeLoginTokenAsync(byte[] tokenHash, long nowTs, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                string? userId;
                using (var r = s.Command("DELETE FROM login_tokens WHERE token_hash = @h RETURNING user_id, expires_ts").With("@h", tokenHash).ExecuteReader())
                {
                    userId = r.Read() && r.GetInt64(1) > nowTs ? r.GetString(0) : null;
                }

                s.Command("DELETE FROM login_tokens WHERE expires_ts <= @now").With("@now", nowTs).ExecuteNonQuery();
                return userId;
            },
            cancellationToken);

    public async Task<AuthenticatedSession?> FindSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        if (sessions.TryGet(tokenHash, out var cached))
        {
            return cached;
        }

        var generation = sessions.Generation;
        var session = await ReadSessionAsync(tokenHash, cancellationToken).ConfigureAwait(false);
        if (session is not null)
        {
            sessions.Add(tokenHash, session, generation);
        }

        return session;
    }

    // Outside any snapshot: the session cache's generation was read just before, so the read must be newer than it.
    private Task<AuthenticatedSession?> ReadSessionAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        reads.ReadLatestAsync(
            s =>
            {
                using var r = s.Command(
                        "SELECT t.user_id, t.device_id, t.expires_ts, t.refresh_token_hash, t.supersedes_refresh_hash, u.kind, u.admin, u.deactivated " +
                        "FROM access_tokens t JOIN users u ON u.user_id = t.user_id WHERE t.token_hash = @h")
                    .With("@h", tokenHash).ExecuteReader();
                if (!r.Read())
                {
                    return null;
                }

                var token = new AccessTokenRecord(tokenHash, r.GetString(0), r.GetString(1), r.GetInt64OrNull(2), r.GetBytesOrNull(3))
                {
                    SupersedesRefreshHash = r.GetBytesOrNull(4),
                };
                return new AuthenticatedSession(token, (AccountKind)r.GetInt32(5), r.GetBoolean(6), r.GetBoolean(7));
            },
            cancellationToken);

    public Task<RefreshTokenOwner?> FindRefreshTokenOwnerAsync(byte[] refreshTokenHash, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                using var r = s.Command("SELECT user_id, device_id FROM refresh_tokens WHERE token_hash = @h").With("@h", refreshTokenHash).ExecuteReader();
                return r.Read() ? new RefreshTokenOwner(r.GetString(0), r.GetString(1)) : null;
            },
            cancellationToken);

    public Task<RefreshOutcome> ExchangeRefreshTokenAsync(byte[] oldRefreshHash, AccessTokenRecord newAccessToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oldRefreshHash);
        ArgumentNullException.ThrowIfNull(newAccessToken);
        if (newAccessToken.RefreshTokenHash is null)
        {
            throw new ArgumentException("The new access token must name its refresh token.", nameof(newAccessToken));
        }

        return sessions.AfterAsync(writes.ExecuteAsync(
            s =>
            {
                string userId;
                string deviceId;
                byte[]? earlierSuccessor;
                using (var r = s.Command("SELECT user_id, device_id, next_token_hash FROM refresh_tokens WHERE token_hash = @h").With("@h", oldRefreshHash).ExecuteReader())
                {
                    if (!r.Read())
                    {
                        return RefreshOutcome.UnknownToken;
                    }

                    (userId, deviceId, earlierSuccessor) = (r.GetString(0), r.GetString(1), r.GetBytesOrNull(2));
                }

                if (userId != newAccessToken.UserId || deviceId != newAccessToken.DeviceId)
                {
                    throw new ArgumentException("The new access token must belong to the refresh token's device.", nameof(newAccessToken));
                }

                // Using this refresh token proves its predecessor is no longer needed.
                s.Command("DELETE FROM refresh_tokens WHERE next_token_hash = @h").With("@h", oldRefreshHash).ExecuteNonQuery();
                if (earlierSuccessor is not null)
                {
                    // An earlier exchange whose answer the client evidently never received: replace it.
                    s.Command("DELETE FROM access_tokens WHERE refresh_token_hash = @n").With("@n", earlierSuccessor).ExecuteNonQuery();
                    s.Command("DELETE FROM refresh_tokens WHERE token_hash = @n").With("@n", earlierSuccessor).ExecuteNonQuery();
                }

                // The access tokens issued with the old refresh token end now (the spec lets the server choose).
                s.Command("DELETE FROM access_tokens WHERE refresh_token_hash = @h").With("@h", oldRefreshHash).ExecuteNonQuery();
                InsertToken(s, newAccessToken with { SupersedesRefreshHash = oldRefreshHash });
                s.Command("UPDATE refresh_tokens SET next_token_hash = @n WHERE token_hash = @h")
                    .With("@n", newAccessToken.RefreshTokenHash).With("@h", oldRefreshHash).ExecuteNonQuery();
                return RefreshOutcome.Refreshed;
            },
            cancellationToken));
    }

    public Task ConfirmRefreshAsync(byte[] accessTokenHash, byte[] supersededRefreshHash, CancellationToken cancellationToken = default) =>
        sessions.AfterAsync(writes.ExecuteAsync(
            s =>
            {
                s.Command("DELETE FROM refresh_tokens WHERE token_hash = @r").With("@r", supersededRefreshHash).ExecuteNonQuery();
                return s.Command("UPDATE access_tokens SET supersedes_refresh_hash = NULL WHERE token_hash = @h")
                    .With("@h", accessTokenHash).ExecuteNonQuery();
            },
            cancellationToken));

    private static int InsertToken(SqliteSession s, AccessTokenRecord token)
    {
        try
        {
            if (token.RefreshTokenHash is not null)
            {
                // The refresh token issued beside this access token (a no-op when it already exists).
                s.Command("INSERT INTO refresh_tokens (token_hash, user_id, device_id) VALUES (@r, @u, @d) ON CONFLICT DO NOTHING")
                    .With("@r", token.RefreshTokenHash).With("@u", token.UserId).With("@d", token.DeviceId).ExecuteNonQuery();
            }

            return s.Command("INSERT INTO access_tokens (token_hash, user_id, device_id, expires_ts, refresh_token_hash, supersedes_refresh_hash) VALUES (@h, @u, @d, @e, @r, @s)")
                .With("@h", token.TokenHash).With("@u", token.UserId).With("@d", token.DeviceId)
                .With("@e", token.ExpiresTs).With("@r", token.RefreshTokenHash).With("@s", token.SupersedesRefreshHash).ExecuteNonQuery();
        }
        catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
        {
            throw new StorageConflictException("An access token with the same hash already exists.", e);
        }
    }

    public Task<UserRecord?> GetUserAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                using var r = s.Command("SELECT password_hash, kind, created_ts, deactivated, admin FROM users WHERE user_id = @u")
                    .With("@u", userId).ExecuteReader();
                return r.Read()
                    ? new UserRecord(userId, r.GetStringOrNull(0), (AccountKind)r.GetInt32(1), r.GetInt64(2), r.GetBoolean(3), r.GetBoolean(4))
                    : null;
            },
            cancellationToken);

    public Task<long> CreateDeviceAsync(DeviceRecord device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        return writes.ExecuteAsync(s => InsertDevice(s, device), cancellationToken);
    }

    public Task<DeviceRecord?> GetDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                using var r = s.Command(DeviceSelect + " WHERE user_id = @u AND device_id = @d")
                    .With("@u", userId).With("@d", deviceId).ExecuteReader();
                return r.Read() ? ReadDevice(r) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<DeviceRecord>>(
            s =>
            {
                using var r = s.Command(DeviceSelect + " WHERE user_id = @u ORDER BY device_id").With("@u", userId).ExecuteReader();
                var devices = new List<DeviceRecord>();
                while (r.Read())
                {
                    devices.Add(ReadDevice(r));
                }

                return devices;
            },
            cancellationToken);

    public Task<bool> UpdateDeviceLastSeenAsync(string userId, string deviceId, string? ip, long ts, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("UPDATE devices SET last_seen_ip = @ip, last_seen_ts = @ts WHERE user_id = @u AND device_id = @d")
                .With("@ip", ip).With("@ts", ts).With("@u", userId).With("@d", deviceId).ExecuteNonQuery() > 0,
            cancellationToken);

    public Task<DeviceListWrite<bool>> DeleteDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken = default) =>
        // Its access tokens go with it (ON DELETE CASCADE).
        sessions.AfterAsync(writes.ExecuteAsync(
            s =>
            {
                var deleted = s.Command("DELETE FROM devices WHERE user_id = @u AND device_id = @d")
                    .With("@u", userId).With("@d", deviceId).ExecuteNonQuery() > 0;
                return new DeviceListWrite<bool>(deleted, RecordIf(s, deleted, userId));
            },
            cancellationToken));

    public Task StoreAccessTokenAsync(AccessTokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return writes.ExecuteAsync(s => InsertToken(s, token), cancellationToken);
    }

    public Task<AccessTokenRecord?> FindAccessTokenAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken = default)
    {
        // Copied once here: the provider binds blobs from arrays.
        var hash = tokenHash.ToArray();
        return reads.ReadAsync(
            s =>
            {
                using var r = s.Command("SELECT user_id, device_id, expires_ts, refresh_token_hash, supersedes_refresh_hash FROM access_tokens WHERE token_hash = @h")
                    .With("@h", hash).ExecuteReader();
                return r.Read()
                    ? new AccessTokenRecord(hash, r.GetString(0), r.GetString(1), r.GetInt64OrNull(2), r.GetBytesOrNull(3)) { SupersedesRefreshHash = r.GetBytesOrNull(4) }
                    : null;
            },
            cancellationToken);
    }

    public Task<int> DeleteAccessTokensAsync(string userId, string deviceId, CancellationToken cancellationToken = default) =>
        sessions.AfterAsync(writes.ExecuteAsync(
            s => s.Command("DELETE FROM access_tokens WHERE user_id = @u AND device_id = @d")
                .With("@u", userId).With("@d", deviceId).ExecuteNonQuery(),
            cancellationToken));

    public Task<DeviceListWrite<bool>> SetPasswordHashAsync(string userId, string? passwordHash, string? keepOnlyDeviceId = null, CancellationToken cancellationToken = default) =>
        sessions.AfterAsync(writes.ExecuteAsync(
            s =>
            {
                var found = s.Command("UPDATE users SET password_hash = @p WHERE user_id = @u")
                    .With("@p", passwordHash).With("@u", userId).ExecuteNonQuery() > 0;
                var loggedOut = found && keepOnlyDeviceId is not null ? DeleteOtherDevices(s, userId, keepOnlyDeviceId) : 0;
                return new DeviceListWrite<bool>(found, RecordIf(s, loggedOut > 0, userId));
            },
            cancellationToken));

    public Task<bool> ReplacePasswordHashAsync(string userId, string expectedHash, string newHash, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("UPDATE users SET password_hash = @new WHERE user_id = @u AND password_hash = @old")
                .With("@new", newHash).With("@u", userId).With("@old", expectedHash).ExecuteNonQuery() > 0,
            cancellationToken);

    public Task<DeviceListWrite<bool>> DeactivateUserAsync(string userId, bool erase = false, CancellationToken cancellationToken = default) =>
        sessions.AfterAsync(writes.ExecuteAsync(
            s =>
            {
                var found = s.Command("UPDATE users SET deactivated = 1, password_hash = NULL WHERE user_id = @u")
                    .With("@u", userId).ExecuteNonQuery() > 0;
                var devicesDeleted = 0;
                if (found)
                {
                    // Tokens go with their devices (ON DELETE CASCADE).
                    devicesDeleted = s.Command("DELETE FROM devices WHERE user_id = @u").With("@u", userId).ExecuteNonQuery();
                    if (erase)
                    {
                        // The user-data tables live in the same database: erasing in this transaction means a
                        // failed deactivation erases nothing.
                        s.Command("DELETE FROM profile_fields WHERE user_id = @u").With("@u", userId).ExecuteNonQuery();
                        s.Command("DELETE FROM account_data WHERE user_id = @u").With("@u", userId).ExecuteNonQuery();
                        s.Command("DELETE FROM filters WHERE user_id = @u").With("@u", userId).ExecuteNonQuery();
                    }
                }

                return new DeviceListWrite<bool>(found, RecordIf(s, devicesDeleted > 0, userId));
            },
            cancellationToken));

    public Task<DeviceListWrite<bool>> RenameDeviceAsync(string userId, string deviceId, string? displayName, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                var found = s.Command("SELECT 1 FROM devices WHERE user_id = @u AND device_id = @d")
                    .With("@u", userId).With("@d", deviceId).ExecuteScalar() is not null;
                var renamed = found && s.Command("UPDATE devices SET display_name = @n WHERE user_id = @u AND device_id = @d AND display_name IS NOT @n")
                    .With("@n", displayName).With("@u", userId).With("@d", deviceId).ExecuteNonQuery() > 0;
                return new DeviceListWrite<bool>(found, RecordIf(s, renamed, userId));
            },
            cancellationToken);

    public Task<DeviceListWrite<int>> DeleteDevicesAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        return sessions.AfterAsync(writes.ExecuteAsync(
            s =>
            {
                // The statement is prepared once (the session caches it); lists are short (one user's devices).
                var deleted = 0;
                foreach (var deviceId in deviceIds.Distinct(StringComparer.Ordinal))
                {
                    deleted += s.Command("DELETE FROM devices WHERE user_id = @u AND device_id = @d")
                        .With("@u", userId).With("@d", deviceId).ExecuteNonQuery();
                }

                return Deleted(s, userId, deleted);
            },
            cancellationToken));
    }

    public Task<DeviceListWrite<int>> DeleteDevicesExceptAsync(string userId, string keepDeviceId, CancellationToken cancellationToken = default) =>
        sessions.AfterAsync(writes.ExecuteAsync(s => Deleted(s, userId, DeleteOtherDevices(s, userId, keepDeviceId)), cancellationToken));

    private static int DeleteOtherDevices(SqliteSession s, string userId, string keepDeviceId) =>
        s.Command("DELETE FROM devices WHERE user_id = @u AND device_id <> @d")
            .With("@u", userId).With("@d", keepDeviceId).ExecuteNonQuery();

    private const string DeviceSelect = "SELECT user_id, device_id, display_name, last_seen_ip, last_seen_ts FROM devices";

    private static DeviceRecord ReadDevice(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetStringOrNull(2), r.GetStringOrNull(3), r.GetInt64OrNull(4));
}
