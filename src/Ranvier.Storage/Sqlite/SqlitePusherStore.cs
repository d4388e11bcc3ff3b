using Microsoft.Data.Sqlite;
using Ranvier.Storage.Push;

namespace Ranvier.Storage.Sqlite;

internal sealed class SqlitePusherStore(SqliteWriteQueue writes, SqliteReadPool reads) : IPusherStore
{
    private const string RecordColumns =
        "user_id, app_id, pushkey, kind, app_display_name, device_display_name, profile_tag, lang, data_json, device_id, created_ts";

    public Task<long> SetAsync(PusherRecord pusher, bool append, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pusher);
        return writes.ExecuteAsync(
            s =>
            {
                long pusherId;
                try
                {
                    // A replacement keeps its row (and so its ID and delivery position); a new pusher starts at the
                    // stream's end, read in this transaction.
                    pusherId = s.Command(
                            $"INSERT INTO pushers ({RecordColumns}, pushed_pos) " +
                            "VALUES (@u, @a, @k, @kind, @adn, @ddn, @tag, @lang, @data, @d, @ts, (SELECT pos FROM stream_counter WHERE id = 1)) " +
                            "ON CONFLICT (user_id, app_id, pushkey) DO UPDATE SET kind = excluded.kind, " +
                            "app_display_name = excluded.app_display_name, device_display_name = excluded.device_display_name, " +
                            "profile_tag = excluded.profile_tag, lang = excluded.lang, data_json = excluded.data_json, " +
                            "device_id = excluded.device_id, created_ts = excluded.created_ts, " +
                            "failures = 0, failing_since_ts = NULL, next_attempt_ts = NULL " +
                            "RETURNING pusher_id")
                        .With("@u", pusher.UserId).With("@a", pusher.AppId).With("@k", pusher.Pushkey).With("@kind", pusher.Kind)
                        .With("@adn", pusher.AppDisplayName).With("@ddn", pusher.DeviceDisplayName).With("@tag", pusher.ProfileTag)
                        .With("@lang", pusher.Lang).With("@data", pusher.DataJson).With("@d", pusher.DeviceId).With("@ts", pusher.CreatedTs)
                        .ScalarInt64();
                }
                catch (SqliteException e) when (SqliteErrors.IsForeignKeyViolation(e))
                {
                    throw new StorageException($"The device {pusher.UserId}/{pusher.DeviceId} does not exist.", e);
                }

                if (!append)
                {
                    s.Command("DELETE FROM pushers WHERE app_id = @a AND pushkey = @k AND user_id <> @u")
                        .With("@a", pusher.AppId).With("@k", pusher.Pushkey).With("@u", pusher.UserId).ExecuteNonQuery();
                }

                return pusherId;
            },
            cancellationToken);
    }

    public Task<bool> DeleteAsync(string userId, string appId, string pushkey, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("DELETE FROM pushers WHERE user_id = @u AND app_id = @a AND pushkey = @k")
                .With("@u", userId).With("@a", appId).With("@k", pushkey).ExecuteNonQuery() > 0,
            cancellationToken);

    public Task<IReadOnlyList<PusherRecord>> ListAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<PusherRecord>>(
            s =>
            {
                using var r = s.Command($"SELECT {RecordColumns} FROM pushers WHERE user_id = @u ORDER BY pusher_id").With("@u", userId).ExecuteReader();
                var pushers = new List<PusherRecord>();
                while (r.Read())
                {
                    pushers.Add(ReadRecord(r, 0));
                }

                return pushers;
            },
            cancellationToken);

    public Task<IReadOnlyList<PusherState>> ListStatesAsync(string kind, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<PusherState>>(
            s =>
            {
                using var r = s.Command(
                        $"SELECT pusher_id, pushed_pos, failures, failing_since_ts, next_attempt_ts, {RecordColumns} " +
                        "FROM pushers WHERE kind = @kind ORDER BY pusher_id")
                    .With("@kind", kind).ExecuteReader();
                var states = new List<PusherState>();
                while (r.Read())
                {
                    states.Add(new PusherState(r.GetInt64(0), ReadRecord(r, 5), r.GetInt64(1), r.GetInt32(2), r.GetInt64OrNull(3), r.GetInt64OrNull(4)));
                }

                return states;
            },
            cancellationToken);

    public Task<bool> RecordPushedAsync(long pusherId, long position, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command(
                    "UPDATE pushers SET pushed_pos = MAX(pushed_pos, @p), failures = 0, failing_since_ts = NULL, next_attempt_ts = NULL " +
                    "WHERE pusher_id = @id")
                .With("@p", position).With("@id", pusherId).ExecuteNonQuery() > 0,
            cancellationToken);

    public Task<bool> RecordFailureAsync(long pusherId, long nowTs, long nextAttemptTs, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command(
                    "UPDATE pushers SET failures = failures + 1, failing_since_ts = COALESCE(failing_since_ts, @now), next_attempt_ts = @next " +
                    "WHERE pusher_id = @id")
                .With("@now", nowTs).With("@next", nextAttemptTs).With("@id", pusherId).ExecuteNonQuery() > 0,
            cancellationToken);

    public Task<bool> DeleteByIdAsync(long pusherId, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("DELETE FROM pushers WHERE pusher_id = @id").With("@id", pusherId).ExecuteNonQuery() > 0,
            cancellationToken);

    private static PusherRecord ReadRecord(SqliteDataReader r, int first) => new(
        r.GetString(first),
        r.GetString(first + 1),
        r.GetString(first + 2),
        r.GetString(first + 3),
        r.GetString(first + 4),
        r.GetString(first + 5),
        r.GetStringOrNull(first + 6),
        r.GetString(first + 7),
        r.GetString(first + 8),
        r.GetString(first + 9),
        r.GetInt64(first + 10));
}
