using Microsoft.Data.Sqlite;
using Ranvier.Storage.ToDevice;

namespace Ranvier.Storage.Sqlite;

internal sealed class SqliteToDeviceStore(SqliteWriteQueue writes, SqliteReadPool reads) : IToDeviceStore
{
    public Task<ToDeviceSendResult> SendAsync(ToDeviceSend send, long forgetTransactionsBeforeMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        return writes.ExecuteAsync(
            s =>
            {
                s.Command("DELETE FROM to_device_transactions WHERE user_id = @u AND device_id = @d AND created_ts < @before")
                    .With("@u", send.SenderUserId).With("@d", send.SenderDeviceId).With("@before", forgetTransactionsBeforeMs).ExecuteNonQuery();
                try
                {
                    var recorded = s.Command(
                            "INSERT INTO to_device_transactions (user_id, device_id, event_type, txn_id, created_ts) VALUES (@u, @d, @e, @t, @now) " +
                            "ON CONFLICT DO NOTHING")
                        .With("@u", send.SenderUserId).With("@d", send.SenderDeviceId).With("@e", send.EventType)
                        .With("@t", send.TransactionId).With("@now", send.NowMs).ExecuteNonQuery();
                    if (recorded == 0)
                    {
                        return new ToDeviceSendResult(Duplicate: true, Queued: 0, StreamPosition: null);
                    }
                }
                catch (SqliteException e) when (SqliteErrors.IsForeignKeyViolation(e))
                {
                    throw new StorageException($"The sending device {send.SenderUserId}/{send.SenderDeviceId} does not exist.", e);
                }

                var inboxes = Resolve(s, send.Targets);
                if (inboxes.Count == 0)
                {
                    return new ToDeviceSendResult(Duplicate: false, Queued: 0, StreamPosition: null);
                }

                // The position comes from the one global stream row, inside this transaction (docs/storage.md, "The stream").
                var position = s.Command("UPDATE stream_counter SET pos = pos + 1 WHERE id = 1 RETURNING pos").ScalarInt64();
                foreach (var (userId, deviceId, contentJson) in inboxes)
                {
                    s.Command("INSERT INTO to_device_messages (user_id, device_id, sender, type, content_json, stream_pos) VALUES (@u, @d, @s, @t, @c, @p)")
                        .With("@u", userId).With("@d", deviceId).With("@s", send.SenderUserId).With("@t", send.EventType)
                        .With("@c", contentJson).With("@p", position).ExecuteNonQuery();
                }

                return new ToDeviceSendResult(Duplicate: false, Queued: inboxes.Count, StreamPosition: position);
            },
            cancellationToken);
    }

    /// <summary>Turns targets into (user, device, content) inboxes that exist now: see <see cref="IToDeviceStore.SendAsync"/>.</summary>
    private static List<(string UserId, string DeviceId, string ContentJson)> Resolve(SqliteSession s, IReadOnlyList<ToDeviceTarget> targets)
    {
        var inboxes = new List<(string, string, string)>();
        foreach (var target in targets)
        {
            if (target.DeviceId is not null)
            {
                if (s.Command("SELECT 1 FROM devices WHERE user_id = @u AND device_id = @d").With("@u", target.UserId).With("@d", target.DeviceId).ExecuteScalar() is not null)
                {
                    inboxes.Add((target.UserId, target.DeviceId, target.ContentJson));
                }

                continue;
            }

            var named = targets.Where(t => t.DeviceId is not null && t.UserId == target.UserId).Select(t => t.DeviceId!).ToHashSet(StringComparer.Ordinal);
            using var r = s.Command("SELECT device_id FROM devices WHERE user_id = @u ORDER BY device_id").With("@u", target.UserId).ExecuteReader();
            while (r.Read())
            {
                var deviceId = r.GetString(0);
                if (!named.Contains(deviceId))
                {
                    inboxes.Add((target.UserId, deviceId, target.ContentJson));
                }
            }
        }

        return inboxes;
    }

    public async Task<IReadOnlyList<ToDeviceMessageRecord>> TakePendingAsync(string userId, string deviceId, long upto, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        // Read first: most syncs find an empty inbox and then cost no write.
        var pending = await reads.ReadAsync<IReadOnlyList<ToDeviceMessageRecord>>(
            s =>
            {
                using var r = s.Command(
                        "SELECT message_id, sender, type, content_json, stream_pos FROM to_device_messages " +
                        "WHERE user_id = @u AND device_id = @d AND stream_pos <= @upto ORDER BY message_id LIMIT @limit")
                    .With("@u", userId).With("@d", deviceId).With("@upto", upto).With("@limit", limit).ExecuteReader();
                var messages = new List<ToDeviceMessageRecord>();
                while (r.Read())
                {
                    messages.Add(new ToDeviceMessageRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4)));
                }

                return messages;
            },
            cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return pending;
        }

        // Message IDs and stream positions grow together (one writer), so "ID up to the last one read" is this batch;
        // a concurrent acknowledgement may have deleted some of it meanwhile, which is fine.
        await writes.ExecuteAsync(
            s => s.Command(
                    "UPDATE to_device_messages SET delivered_pos = MIN(COALESCE(delivered_pos, @upto), @upto) " +
                    "WHERE user_id = @u AND device_id = @d AND message_id BETWEEN @first AND @last AND stream_pos <= @upto")
                .With("@u", userId).With("@d", deviceId).With("@upto", upto)
                .With("@first", pending[0].MessageId).With("@last", pending[^1].MessageId).ExecuteNonQuery(),
            cancellationToken).ConfigureAwait(false);
        return pending;
    }

    public async Task<int> DeleteAcknowledgedAsync(string userId, string deviceId, long since, CancellationToken cancellationToken = default)
    {
        // Every incremental sync acknowledges; only the few that have something to delete go to the writer.
        var any = await reads.ReadAsync(
            s => s.Command("SELECT 1 FROM to_device_messages WHERE user_id = @u AND device_id = @d AND delivered_pos <= @since LIMIT 1")
                .With("@u", userId).With("@d", deviceId).With("@since", since).ExecuteScalar() is not null,
            cancellationToken).ConfigureAwait(false);
        if (!any)
        {
            return 0;
        }

        return await writes.ExecuteAsync(
            s => s.Command("DELETE FROM to_device_messages WHERE user_id = @u AND device_id = @d AND delivered_pos <= @since")
                .With("@u", userId).With("@d", deviceId).With("@since", since).ExecuteNonQuery(),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<long?> GetHighestDeliveredAsync(string userId, string deviceId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command("SELECT MAX(delivered_pos) FROM to_device_messages WHERE user_id = @u AND device_id = @d")
                .With("@u", userId).With("@d", deviceId).ExecuteScalar() is long highest ? highest : (long?)null,
            cancellationToken);

    public Task<int> CountPendingAsync(string userId, string deviceId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => (int)s.Command("SELECT COUNT(*) FROM to_device_messages WHERE user_id = @u AND device_id = @d")
                .With("@u", userId).With("@d", deviceId).ScalarInt64(),
            cancellationToken);
}
