using Ranvier.Storage.Push;

namespace Ranvier.Storage.Sqlite;

/// <summary>event_push_actions and push_own_events (migration 20); see <see cref="IPushActionStore"/>.</summary>
internal sealed class SqlitePushActionStore(SqliteReadPool reads) : IPushActionStore
{
    // The read position of user @u in room @r for the thread of each row pa: the latest of the unthreaded receipts, the
    // receipts of that thread and the user's own latest event in it. Receipts point at events; their stream positions
    // order them against the notifications.
    private const string ReadPosition = """
        MAX(
          COALESCE((SELECT MAX(e.stream_pos) FROM receipts rc JOIN events e ON e.event_nid = rc.event_nid
                    WHERE rc.room_nid = pa.room_nid AND rc.user_id = pa.user_id
                      AND rc.receipt_type IN ('m.read', 'm.read.private') AND rc.thread_id IN ('', pa.thread_id)), 0),
          COALESCE((SELECT o.stream_pos FROM push_own_events o
                    WHERE o.room_nid = pa.room_nid AND o.user_id = pa.user_id AND o.thread_id = pa.thread_id), 0))
        """;

    private const string RecordColumns = $"""
        SELECT pa.stream_pos, e.event_id, r.room_id, pa.thread_id, pa.highlight, pa.actions_json, e.origin_server_ts,
               pa.stream_pos <= {ReadPosition}
        FROM event_push_actions pa JOIN events e ON e.event_nid = pa.event_nid JOIN rooms r ON r.room_nid = pa.room_nid
        """;

    /// <summary>Writes an event's push outcome inside its persist transaction (<see cref="Rooms.EventToPersist.Push"/>).</summary>
    internal static void Record(SqliteSession s, EventPush push, string sender, long eventNid, long roomNid, long streamPos)
    {
        foreach (var action in push.Actions)
        {
            s.Command("""
                INSERT INTO event_push_actions (user_id, event_nid, room_nid, stream_pos, thread_id, highlight, actions_json)
                VALUES (@u, @e, @r, @p, @t, @h, @a)
                """).With("@u", action.UserId).With("@e", eventNid).With("@r", roomNid).With("@p", streamPos)
                .With("@t", push.ThreadId).With("@h", action.Highlight ? 1 : 0).With("@a", action.ActionsJson).ExecuteNonQuery();
        }

        s.Command("""
            INSERT INTO push_own_events (room_nid, user_id, thread_id, stream_pos) VALUES (@r, @u, @t, @p)
            ON CONFLICT (room_nid, user_id, thread_id) DO UPDATE SET stream_pos = MAX(stream_pos, excluded.stream_pos)
            """).With("@r", roomNid).With("@u", sender).With("@t", push.ThreadId).With("@p", streamPos).ExecuteNonQuery();
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, UnreadCount>>> GetUnreadCountsAsync(
        string userId, IReadOnlyCollection<string> roomIds, long upto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomIds);
        return reads.ReadAsync<IReadOnlyDictionary<string, IReadOnlyDictionary<string, UnreadCount>>>(
            s =>
            {
                var counts = new Dictionary<string, IReadOnlyDictionary<string, UnreadCount>>(StringComparer.Ordinal);
                using var command = s.Command($"""
                    SELECT pa.thread_id, COUNT(*), SUM(pa.highlight)
                    FROM event_push_actions pa
                    WHERE pa.user_id = @u AND pa.room_nid = (SELECT room_nid FROM rooms WHERE room_id = @room)
                      AND pa.stream_pos <= @upto AND pa.stream_pos > {ReadPosition}
                    GROUP BY pa.thread_id
                    """).With("@u", userId).With("@upto", upto).With("@room", string.Empty);
                foreach (var roomId in roomIds)
                {
                    command.Parameters["@room"].Value = roomId;
                    Dictionary<string, UnreadCount>? threads = null;
                    using var r = command.ExecuteReader();
                    while (r.Read())
                    {
                        (threads ??= new(StringComparer.Ordinal))[r.GetString(0)] = new UnreadCount(r.GetInt64(1), r.GetInt64(2));
                    }

                    if (threads is not null)
                    {
                        counts[roomId] = threads;
                    }
                }

                return counts;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<PushActionRecord>> GetNotificationsAsync(
        string userId, long? before, int limit, bool onlyHighlights, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<PushActionRecord>>(
            s => Read(s.Command($"""
                {RecordColumns}
                WHERE pa.user_id = @u AND pa.stream_pos < @before AND (@only = 0 OR pa.highlight = 1)
                ORDER BY pa.stream_pos DESC LIMIT @limit
                """).With("@u", userId).With("@before", before ?? long.MaxValue).With("@only", onlyHighlights ? 1 : 0).With("@limit", limit)),
            cancellationToken);

    public Task<IReadOnlyList<PushActionRecord>> GetNotificationsAfterAsync(string userId, long after, int limit, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<PushActionRecord>>(
            s => Read(s.Command($"""
                {RecordColumns}
                WHERE pa.user_id = @u AND pa.stream_pos > @after
                ORDER BY pa.stream_pos LIMIT @limit
                """).With("@u", userId).With("@after", after).With("@limit", limit)),
            cancellationToken);

    private static List<PushActionRecord> Read(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        using (command)
        {
            var records = new List<PushActionRecord>();
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                records.Add(new PushActionRecord(
                    r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4) != 0, r.GetString(5), r.GetInt64(6), r.GetInt64(7) != 0));
            }

            return records;
        }
    }
}
