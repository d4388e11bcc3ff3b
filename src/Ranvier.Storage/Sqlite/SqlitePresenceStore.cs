using Microsoft.Data.Sqlite;
using Ranvier.Storage.Presence;

namespace Ranvier.Storage.Sqlite;

/// <summary>Presence rows (migration 0013_presence.sql).</summary>
internal sealed class SqlitePresenceStore(SqliteWriteQueue writes, SqliteReadPool reads) : IPresenceStore
{
    private const string Columns = "user_id, state, status_msg, last_active_ts, currently_active, stream_pos";

    public Task<PresenceRecord?> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                using var r = s.Command($"SELECT {Columns} FROM presence WHERE user_id = @u").With("@u", userId).ExecuteReader();
                return r.Read() ? Read(r) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<PresenceRecord>> GetManyAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        // The IDs travel as one JSON array parameter, so any number of users costs one cached statement.
        var ids = "[" + string.Join(",", userIds.Select(JsonText.String)) + "]";
        return reads.ReadAsync<IReadOnlyList<PresenceRecord>>(
            s => ReadAll(s.Command($"SELECT {Columns} FROM presence WHERE user_id IN (SELECT value FROM json_each(@ids)) ORDER BY user_id")
                .With("@ids", ids)),
            cancellationToken);
    }

    public Task<IReadOnlyList<PresenceRecord>> GetChangedAsync(long after, long upto, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<PresenceRecord>>(
            s => ReadAll(s.Command($"SELECT {Columns} FROM presence WHERE stream_pos > @a AND stream_pos <= @b ORDER BY stream_pos")
                .With("@a", after).With("@b", upto)),
            cancellationToken);

    public Task<IReadOnlyList<PresenceRecord>> GetNotOfflineAsync(CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<PresenceRecord>>(
            s => ReadAll(s.Command($"SELECT {Columns} FROM presence WHERE state <> 'offline' ORDER BY user_id")),
            cancellationToken);

    public Task<PresenceRecord> SetAsync(string userId, string state, string? statusMessage, long lastActiveTs, bool currentlyActive, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                // The position comes from the one global stream row, inside this transaction (docs/storage.md, "The stream").
                var position = s.Command("UPDATE stream_counter SET pos = pos + 1 WHERE id = 1 RETURNING pos").ScalarInt64();
                s.Command($"INSERT INTO presence ({Columns}) VALUES (@u, @s, @m, @t, @c, @p) " +
                        "ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, status_msg = excluded.status_msg, " +
                        "last_active_ts = excluded.last_active_ts, currently_active = excluded.currently_active, stream_pos = excluded.stream_pos")
                    .With("@u", userId).With("@s", state).With("@m", statusMessage).With("@t", lastActiveTs)
                    .With("@c", currentlyActive ? 1 : 0).With("@p", position)
                    .ExecuteNonQuery();
                return new PresenceRecord(userId, state, statusMessage, lastActiveTs, currentlyActive, position);
            },
            cancellationToken);

    public Task<bool> TouchLastActiveAsync(string userId, long lastActiveTs, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("UPDATE presence SET last_active_ts = MAX(last_active_ts, @t) WHERE user_id = @u")
                .With("@u", userId).With("@t", lastActiveTs).ExecuteNonQuery() > 0,
            cancellationToken);

    private static List<PresenceRecord> ReadAll(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        var records = new List<PresenceRecord>();
        while (r.Read())
        {
            records.Add(Read(r));
        }

        return records;
    }

    private static PresenceRecord Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3), r.GetInt64(4) != 0, r.GetInt64(5));
}
