using Ranvier.Storage.E2ee;
using Ranvier.Storage.ToDevice;

namespace Ranvier.Storage.Sqlite;

/// <summary>Dehydrated devices on SQLite (migration 19, docs/storage.md "Dehydrated devices").</summary>
internal sealed class SqliteDehydratedDeviceStore(SqliteWriteQueue writes, SqliteReadPool reads, SqliteSessionCache sessions) : IDehydratedDeviceStore
{
    public Task<DehydratedDeviceRecord?> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(s => Read(s, userId), cancellationToken);

    public Task<DehydratedDeviceSetResult> SetAsync(string userId, string deviceId, string? displayName, string deviceDataJson, CancellationToken cancellationToken = default) =>
        sessions.AfterAsync(writes.ExecuteAsync(
            s =>
            {
                var previous = Read(s, userId);
                var sameDevice = previous is not null && previous.DeviceId == deviceId;
                if (!sameDevice && s.Command("SELECT 1 FROM devices WHERE user_id = @u AND device_id = @d").With("@u", userId).With("@d", deviceId).ExecuteScalar() is not null)
                {
                    return new DehydratedDeviceSetResult(DehydratedDeviceSetStatus.DeviceIdInUse, null, null);
                }

                string? replaced = null;
                if (previous is not null && !sameDevice)
                {
                    // The old device's keys, inbox and mark go with its row (ON DELETE CASCADE).
                    DeleteDevice(s, userId, previous.DeviceId);
                    replaced = previous.DeviceId;
                }

                if (!sameDevice)
                {
                    s.Command("INSERT INTO devices (user_id, device_id, display_name) VALUES (@u, @d, @n)")
                        .With("@u", userId).With("@d", deviceId).With("@n", displayName).ExecuteNonQuery();
                }

                s.Command(
                        "INSERT INTO dehydrated_devices (user_id, device_id, device_data_json) VALUES (@u, @d, @data) " +
                        "ON CONFLICT (user_id) DO UPDATE SET device_id = excluded.device_id, device_data_json = excluded.device_data_json")
                    .With("@u", userId).With("@d", deviceId).With("@data", deviceDataJson).ExecuteNonQuery();
                var position = SqliteDeviceListChanges.Record(s, userId);
                return new DehydratedDeviceSetResult(DehydratedDeviceSetStatus.Set, replaced, position);
            },
            cancellationToken));

    public Task<(string DeviceId, long StreamPosition)?> DeleteAsync(string userId, CancellationToken cancellationToken = default) =>
        sessions.AfterAsync(writes.ExecuteAsync<(string, long)?>(
            s =>
            {
                if (Read(s, userId) is not { } previous)
                {
                    return null;
                }

                DeleteDevice(s, userId, previous.DeviceId);
                return (previous.DeviceId, SqliteDeviceListChanges.Record(s, userId));
            },
            cancellationToken));

    public Task<IReadOnlyList<ToDeviceMessageRecord>> ReadInboxAsync(string userId, string deviceId, long afterMessageId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return reads.ReadAsync<IReadOnlyList<ToDeviceMessageRecord>>(
            s =>
            {
                using var r = s.Command(
                        "SELECT message_id, sender, type, content_json, stream_pos FROM to_device_messages " +
                        "WHERE user_id = @u AND device_id = @d AND message_id > @after ORDER BY message_id LIMIT @limit")
                    .With("@u", userId).With("@d", deviceId).With("@after", afterMessageId).With("@limit", limit).ExecuteReader();
                var messages = new List<ToDeviceMessageRecord>();
                while (r.Read())
                {
                    messages.Add(new ToDeviceMessageRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
                }

                return messages;
            },
            cancellationToken);
    }

    private static DehydratedDeviceRecord? Read(SqliteSession s, string userId)
    {
        using var r = s.Command("SELECT device_id, device_data_json FROM dehydrated_devices WHERE user_id = @u").With("@u", userId).ExecuteReader();
        return r.Read() ? new DehydratedDeviceRecord(userId, r.GetString(0), r.GetString(1)) : null;
    }

    private static void DeleteDevice(SqliteSession s, string userId, string deviceId) =>
        s.Command("DELETE FROM devices WHERE user_id = @u AND device_id = @d").With("@u", userId).With("@d", deviceId).ExecuteNonQuery();
}
