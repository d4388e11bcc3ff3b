using System.Globalization;
using Ranvier.Storage.E2ee;

namespace Ranvier.Storage.Sqlite;

/// <summary>Key backups on SQLite (migration 18, docs/storage.md "Key backups").</summary>
internal sealed class SqliteKeyBackupStore(SqliteWriteQueue writes, SqliteReadPool reads) : IKeyBackupStore
{
    private const string CurrentVersionSql = "SELECT MAX(version) FROM key_backup_versions WHERE user_id = @u AND deleted = 0";

    public Task<string> CreateVersionAsync(string userId, string algorithm, string authDataJson, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                // Numbers continue past deleted versions, so a version string never names two different backups.
                var version = s.Command(
                        "INSERT INTO key_backup_versions (user_id, version, algorithm, auth_data_json) " +
                        "SELECT @u, COALESCE(MAX(version), 0) + 1, @a, @d FROM key_backup_versions WHERE user_id = @u RETURNING version")
                    .With("@u", userId).With("@a", algorithm).With("@d", authDataJson).ScalarInt64();
                return Format(version);
            },
            cancellationToken);

    public Task<KeyBackupVersion?> GetVersionAsync(string userId, string? version, CancellationToken cancellationToken = default)
    {
        long number = 0;
        if (version is not null && !TryParse(version, out number))
        {
            return Task.FromResult<KeyBackupVersion?>(null);
        }

        return reads.ReadAsync(
            s =>
            {
                var wanted = version is null ? s.Command(CurrentVersionSql).With("@u", userId).ScalarInt64OrNull() : number;
                return wanted is { } v ? ReadVersion(s, userId, v) : null;
            },
            cancellationToken);
    }

    public Task<KeyBackupUpdateStatus> UpdateVersionAsync(string userId, string version, string algorithm, string authDataJson, CancellationToken cancellationToken = default)
    {
        if (!TryParse(version, out var number))
        {
            return Task.FromResult(KeyBackupUpdateStatus.UnknownVersion);
        }

        return writes.ExecuteAsync(
            s =>
            {
                var stored = s.Command("SELECT algorithm FROM key_backup_versions WHERE user_id = @u AND version = @v AND deleted = 0")
                    .With("@u", userId).With("@v", number).ExecuteScalar() as string;
                if (stored is null)
                {
                    return KeyBackupUpdateStatus.UnknownVersion;
                }

                if (!string.Equals(stored, algorithm, StringComparison.Ordinal))
                {
                    return KeyBackupUpdateStatus.AlgorithmMismatch;
                }

                s.Command("UPDATE key_backup_versions SET auth_data_json = @d WHERE user_id = @u AND version = @v")
                    .With("@u", userId).With("@v", number).With("@d", authDataJson).ExecuteNonQuery();
                return KeyBackupUpdateStatus.Updated;
            },
            cancellationToken);
    }

    public Task<bool> DeleteVersionAsync(string userId, string version, CancellationToken cancellationToken = default)
    {
        if (!TryParse(version, out var number))
        {
            return Task.FromResult(false);
        }

        return writes.ExecuteAsync(
            s =>
            {
                var marked = s.Command("UPDATE key_backup_versions SET deleted = 1 WHERE user_id = @u AND version = @v RETURNING version")
                    .With("@u", userId).With("@v", number).ExecuteScalar() is not null;
                if (marked)
                {
                    s.Command("DELETE FROM key_backup_sessions WHERE user_id = @u AND version = @v").With("@u", userId).With("@v", number).ExecuteNonQuery();
                }

                return marked;
            },
            cancellationToken);
    }

    public Task<KeyBackupWriteResult> PutKeysAsync(string userId, string version, IReadOnlyList<BackedUpRoomKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return writes.ExecuteAsync(
            s =>
            {
                // The current version is read inside the write, so a version created concurrently cannot be missed.
                var current = s.Command(CurrentVersionSql).With("@u", userId).ScalarInt64OrNull();
                if (current is null)
                {
                    return new KeyBackupWriteResult(KeyBackupWriteStatus.UnknownVersion, null, 0, 0);
                }

                if (!TryParse(version, out var number) || number != current)
                {
                    return new KeyBackupWriteResult(KeyBackupWriteStatus.WrongVersion, Format(current.Value), 0, 0);
                }

                var changed = false;
                foreach (var key in keys)
                {
                    var stored = ReadKeys(s, userId, number, key.RoomId, key.SessionId);
                    if (stored.Count == 1 && !key.IsBetterThan(stored[0]))
                    {
                        continue;
                    }

                    s.Command(
                            "INSERT OR REPLACE INTO key_backup_sessions " +
                            "(user_id, version, room_id, session_id, first_message_index, forwarded_count, is_verified, session_data_json) " +
                            "VALUES (@u, @v, @r, @s, @f, @c, @iv, @d)")
                        .With("@u", userId).With("@v", number).With("@r", key.RoomId).With("@s", key.SessionId)
                        .With("@f", key.FirstMessageIndex).With("@c", key.ForwardedCount).With("@iv", key.IsVerified ? 1 : 0)
                        .With("@d", key.SessionDataJson).ExecuteNonQuery();
                    changed = true;
                }

                return Changed(s, userId, number, changed);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<BackedUpRoomKey>?> GetKeysAsync(string userId, string version, string? roomId, string? sessionId, CancellationToken cancellationToken = default)
    {
        if (!TryParse(version, out var number))
        {
            return Task.FromResult<IReadOnlyList<BackedUpRoomKey>?>(null);
        }

        return reads.ReadAsync<IReadOnlyList<BackedUpRoomKey>?>(
            s => Exists(s, userId, number) ? ReadKeys(s, userId, number, roomId, sessionId) : null,
            cancellationToken);
    }

    public Task<KeyBackupWriteResult> DeleteKeysAsync(string userId, string version, string? roomId, string? sessionId, CancellationToken cancellationToken = default)
    {
        if (!TryParse(version, out var number))
        {
            return Task.FromResult(new KeyBackupWriteResult(KeyBackupWriteStatus.UnknownVersion, null, 0, 0));
        }

        return writes.ExecuteAsync(
            s =>
            {
                if (!Exists(s, userId, number))
                {
                    return new KeyBackupWriteResult(KeyBackupWriteStatus.UnknownVersion, null, 0, 0);
                }

                var deleted = s.Command(
                        "DELETE FROM key_backup_sessions WHERE user_id = @u AND version = @v " +
                        "AND (@r IS NULL OR room_id = @r) AND (@s IS NULL OR session_id = @s)")
                    .With("@u", userId).With("@v", number).With("@r", roomId).With("@s", sessionId).ExecuteNonQuery();
                return Changed(s, userId, number, deleted > 0);
            },
            cancellationToken);
    }

    /// <summary>Moves the etag when <paramref name="changed"/>, and reports the version's etag and count.</summary>
    private static KeyBackupWriteResult Changed(SqliteSession s, string userId, long version, bool changed)
    {
        if (changed)
        {
            s.Command("UPDATE key_backup_versions SET etag = etag + 1 WHERE user_id = @u AND version = @v")
                .With("@u", userId).With("@v", version).ExecuteNonQuery();
        }

        var description = ReadVersion(s, userId, version)!;
        return new KeyBackupWriteResult(KeyBackupWriteStatus.Done, description.Version, description.Etag, description.Count);
    }

    private static bool Exists(SqliteSession s, string userId, long version) =>
        s.Command("SELECT 1 FROM key_backup_versions WHERE user_id = @u AND version = @v AND deleted = 0")
            .With("@u", userId).With("@v", version).ExecuteScalar() is not null;

    private static KeyBackupVersion? ReadVersion(SqliteSession s, string userId, long version)
    {
        using var r = s.Command(
                "SELECT algorithm, auth_data_json, etag, " +
                "(SELECT COUNT(*) FROM key_backup_sessions k WHERE k.user_id = v.user_id AND k.version = v.version) " +
                "FROM key_backup_versions v WHERE user_id = @u AND version = @v AND deleted = 0")
            .With("@u", userId).With("@v", version).ExecuteReader();
        return r.Read() ? new KeyBackupVersion(Format(version), r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)) : null;
    }

    private static List<BackedUpRoomKey> ReadKeys(SqliteSession s, string userId, long version, string? roomId, string? sessionId)
    {
        using var r = s.Command(
                "SELECT room_id, session_id, first_message_index, forwarded_count, is_verified, session_data_json FROM key_backup_sessions " +
                "WHERE user_id = @u AND version = @v AND (@r IS NULL OR room_id = @r) AND (@s IS NULL OR session_id = @s) ORDER BY room_id, session_id")
            .With("@u", userId).With("@v", version).With("@r", roomId).With("@s", sessionId).ExecuteReader();
        var keys = new List<BackedUpRoomKey>();
        while (r.Read())
        {
            keys.Add(new BackedUpRoomKey(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4) != 0, r.GetString(5)));
        }

        return keys;
    }

    /// <summary>Reads a version string this store wrote: decimal digits without leading zeros.</summary>
    private static bool TryParse(string version, out long number) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0 && Format(number) == version;

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
