using Ranvier.Storage.E2ee;

namespace Ranvier.Storage.Sqlite;

/// <summary>device_keys, one_time_keys and fallback_keys (migration 16); see <see cref="IDeviceKeyStore"/>.</summary>
internal sealed class SqliteDeviceKeyStore(SqliteWriteQueue writes, SqliteReadPool reads) : IDeviceKeyStore
{
    public Task<DeviceKeyUploadResult> UploadAsync(DeviceKeyUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return writes.ExecuteAsync(s => Upload(s, upload), cancellationToken);
    }

    private static DeviceKeyUploadResult Upload(SqliteSession s, DeviceKeyUpload upload)
    {
        var (user, device) = (upload.UserId, upload.DeviceId);
        if (s.Command("SELECT 1 FROM devices WHERE user_id = @u AND device_id = @d").With("@u", user).With("@d", device).ExecuteScalar() is null)
        {
            return new DeviceKeyUploadResult(DeviceKeyUploadOutcome.UnknownDevice, new Dictionary<string, long>(), null);
        }

        // Check every one-time key before writing anything: a clash refuses the whole upload.
        var newKeys = new List<UploadedKey>();
        foreach (var key in upload.OneTimeKeys)
        {
            var stored = s.Command("SELECT key_json FROM one_time_keys WHERE user_id = @u AND device_id = @d AND algorithm = @a AND key_id = @k")
                .With("@u", user).With("@d", device).With("@a", key.Algorithm).With("@k", key.KeyId).ExecuteScalar() as string;
            if (stored is null)
            {
                newKeys.Add(key);
            }
            else if (stored != key.Json)
            {
                return new DeviceKeyUploadResult(DeviceKeyUploadOutcome.OneTimeKeyConflict, new Dictionary<string, long>(), null, $"{key.Algorithm}:{key.KeyId}");
            }
        }

        long? position = null;
        if (upload.DeviceKeysJson is { } deviceKeys && GetDeviceKeys(s, user, device) != deviceKeys)
        {
            s.Command("""
                INSERT INTO device_keys (user_id, device_id, key_json) VALUES (@u, @d, @j)
                ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json
                """).With("@u", user).With("@d", device).With("@j", deviceKeys).ExecuteNonQuery();
            position = SqliteDeviceListChanges.Record(s, user);
        }

        foreach (var key in newKeys)
        {
            s.Command("INSERT INTO one_time_keys (user_id, device_id, algorithm, key_id, key_json) VALUES (@u, @d, @a, @k, @j)")
                .With("@u", user).With("@d", device).With("@a", key.Algorithm).With("@k", key.KeyId).With("@j", key.Json).ExecuteNonQuery();
        }

        foreach (var key in upload.FallbackKeys)
        {
            s.Command("""
                INSERT INTO fallback_keys (user_id, device_id, algorithm, key_id, key_json, used) VALUES (@u, @d, @a, @k, @j, 0)
                ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET key_id = excluded.key_id, key_json = excluded.key_json,
                    used = CASE WHEN fallback_keys.key_id = excluded.key_id AND fallback_keys.key_json = excluded.key_json THEN fallback_keys.used ELSE 0 END
                """).With("@u", user).With("@d", device).With("@a", key.Algorithm).With("@k", key.KeyId).With("@j", key.Json).ExecuteNonQuery();
        }

        return new DeviceKeyUploadResult(DeviceKeyUploadOutcome.Stored, CountOneTimeKeys(s, user, device), position);
    }

    public Task<string?> GetDeviceKeysJsonAsync(string userId, string deviceId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(s => GetDeviceKeys(s, userId, deviceId), cancellationToken);

    public Task<IReadOnlyList<StoredDeviceKeys>> QueryAsync(
        IReadOnlyList<(string UserId, IReadOnlyList<string> DeviceIds)> query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return reads.ReadAsync<IReadOnlyList<StoredDeviceKeys>>(
            s =>
            {
                var found = new List<StoredDeviceKeys>();
                foreach (var (userId, deviceIds) in query)
                {
                    using var command = s.Command("""
                        SELECT k.device_id, k.key_json, d.display_name FROM device_keys k
                        JOIN devices d ON d.user_id = k.user_id AND d.device_id = k.device_id
                        WHERE k.user_id = @u ORDER BY k.device_id
                        """).With("@u", userId);
                    var wanted = deviceIds.Count == 0 ? null : deviceIds.ToHashSet(StringComparer.Ordinal);
                    using var r = command.ExecuteReader();
                    while (r.Read())
                    {
                        var deviceId = r.GetString(0);
                        if (wanted is null || wanted.Contains(deviceId))
                        {
                            found.Add(new StoredDeviceKeys(userId, deviceId, r.GetString(1), r.GetStringOrNull(2)));
                        }
                    }
                }

                return found;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<ClaimedKey>> ClaimAsync(IReadOnlyList<KeyClaim> claims, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return writes.ExecuteAsync<IReadOnlyList<ClaimedKey>>(
            s =>
            {
                var claimed = new List<ClaimedKey>();
                foreach (var claim in claims)
                {
                    if (ClaimOne(s, claim) is { } key)
                    {
                        claimed.Add(key);
                    }
                }

                return claimed;
            },
            cancellationToken);
    }

    private static ClaimedKey? ClaimOne(SqliteSession s, KeyClaim claim)
    {
        using (var r = s.Command("""
            DELETE FROM one_time_keys WHERE key_nid = (
                SELECT key_nid FROM one_time_keys WHERE user_id = @u AND device_id = @d AND algorithm = @a ORDER BY key_nid LIMIT 1)
            RETURNING key_id, key_json
            """).With("@u", claim.UserId).With("@d", claim.DeviceId).With("@a", claim.Algorithm).ExecuteReader())
        {
            if (r.Read())
            {
                return new ClaimedKey(claim.UserId, claim.DeviceId, claim.Algorithm, r.GetString(0), r.GetString(1), Fallback: false);
            }
        }

        using (var r = s.Command("""
            UPDATE fallback_keys SET used = 1 WHERE user_id = @u AND device_id = @d AND algorithm = @a
            RETURNING key_id, key_json
            """).With("@u", claim.UserId).With("@d", claim.DeviceId).With("@a", claim.Algorithm).ExecuteReader())
        {
            return r.Read() ? new ClaimedKey(claim.UserId, claim.DeviceId, claim.Algorithm, r.GetString(0), r.GetString(1), Fallback: true) : null;
        }
    }

    public Task<OneTimeKeyState> GetOneTimeKeyStateAsync(string userId, string deviceId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                var unused = new List<string>();
                using var command = s.Command("SELECT algorithm FROM fallback_keys WHERE user_id = @u AND device_id = @d AND used = 0 ORDER BY algorithm")
                    .With("@u", userId).With("@d", deviceId);
                using var r = command.ExecuteReader();
                while (r.Read())
                {
                    unused.Add(r.GetString(0));
                }

                return new OneTimeKeyState(CountOneTimeKeys(s, userId, deviceId), unused);
            },
            cancellationToken);

    private static string? GetDeviceKeys(SqliteSession s, string userId, string deviceId) =>
        s.Command("SELECT key_json FROM device_keys WHERE user_id = @u AND device_id = @d").With("@u", userId).With("@d", deviceId).ExecuteScalar() as string;

    private static Dictionary<string, long> CountOneTimeKeys(SqliteSession s, string userId, string deviceId)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using var command = s.Command("SELECT algorithm, COUNT(*) FROM one_time_keys WHERE user_id = @u AND device_id = @d GROUP BY algorithm")
            .With("@u", userId).With("@d", deviceId);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            counts[r.GetString(0)] = r.GetInt64(1);
        }

        return counts;
    }
}
