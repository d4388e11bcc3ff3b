using Ranvier.Storage.Push;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// event_push_groups, push_unread (migration 22) and push_own_events (migration 20); see <see cref="IPushActionStore"/>.
/// A notification is a group row whose <c>users</c> holds the user; the unread counts are kept in push_unread as
/// events are persisted and receipts move, so reading them is a lookup per room.
/// </summary>
internal sealed class SqlitePushActionStore(SqliteReadPool reads) : IPushActionStore
{
    // The read position of user @u in room pg.room_nid for the thread of each group row pg: the latest of the
    // unthreaded receipts, the receipts of that thread and the user's own latest event in it. Receipts point at
    // events; their stream positions order them against the notifications.
    private const string ReadPosition = """
        MAX(
          COALESCE((SELECT MAX(e.stream_pos) FROM receipts rc JOIN events e ON e.event_nid = rc.event_nid
                    WHERE rc.room_nid = pg.room_nid AND rc.user_id = @u
                      AND rc.receipt_type IN ('m.read', 'm.read.private') AND rc.thread_id IN ('', pg.thread_id)), 0),
          COALESCE((SELECT o.stream_pos FROM push_own_events o
                    WHERE o.room_nid = pg.room_nid AND o.user_id = @u AND o.thread_id = pg.thread_id), 0))
        """;

    private const string RecordColumns = $"""
        SELECT pg.stream_pos, e.event_id, r.room_id, pg.thread_id, pg.highlight, pg.actions_json, e.origin_server_ts,
               pg.stream_pos <= {ReadPosition}
        FROM event_push_groups pg JOIN events e ON e.event_nid = pg.event_nid JOIN rooms r ON r.room_nid = pg.room_nid
        """;

    /// <summary>
    /// Writes an event's push outcome inside its persist transaction (<see cref="Rooms.EventToPersist.Push"/>): one
    /// group row per distinct outcome, one more unread notification for each notified user, and the sender's thread
    /// read up to the event.
    /// </summary>
    internal static void Record(SqliteSession s, EventPush push, string sender, long eventNid, long roomNid, long streamPos)
    {
        s.Command("""
            INSERT INTO push_own_events (room_nid, user_id, thread_id, stream_pos) VALUES (@r, @u, @t, @p)
            ON CONFLICT (room_nid, user_id, thread_id) DO UPDATE SET stream_pos = MAX(stream_pos, excluded.stream_pos)
            """).With("@r", roomNid).With("@u", sender).With("@t", push.ThreadId).With("@p", streamPos).ExecuteNonQuery();

        // The event is the newest of the room: nothing in the sender's thread is unread any more.
        s.Command("DELETE FROM push_unread WHERE room_nid = @r AND user_id = @u AND thread_id = @t")
            .With("@r", roomNid).With("@u", sender).With("@t", push.ThreadId).ExecuteNonQuery();

        foreach (var group in push.Groups)
        {
            // One JSON array of the group's users serves both statements: the row keeps them as text split by newlines
            // (built by SQLite from the array), the counters take one upsert per user.
            var users = JsonText.Utf8ArrayOf(group.UserIds);
            var highlight = group.Highlight ? 1 : 0;
            s.Command("""
                INSERT INTO event_push_groups (stream_pos, event_nid, room_nid, thread_id, highlight, actions_json, users)
                VALUES (@p, @e, @r, @t, @h, @a, char(10) || (SELECT group_concat(value, char(10) ORDER BY key) FROM json_each(CAST(@users AS TEXT))) || char(10))
                """).With("@p", streamPos).With("@e", eventNid).With("@r", roomNid).With("@t", push.ThreadId)
                .With("@h", highlight).With("@a", group.ActionsJson).With("@users", users)
                .ExecuteNonQuery();

            // WHERE true: an upsert's SELECT needs a WHERE so that ON CONFLICT is not read as a join constraint.
            s.Command("""
                INSERT INTO push_unread (room_nid, user_id, thread_id, notifications, highlights)
                SELECT @r, value, @t, 1, @h FROM json_each(CAST(@users AS TEXT)) WHERE true
                ON CONFLICT (room_nid, user_id, thread_id) DO UPDATE SET
                    notifications = notifications + 1, highlights = highlights + excluded.highlights
                """).With("@r", roomNid).With("@t", push.ThreadId).With("@h", highlight).With("@users", users).ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Counts again the unread notifications of <paramref name="userId"/> in the room after a read receipt moved their
    /// read position, inside the receipt's transaction. Read positions only move forward, so a user with nothing
    /// unread in the room stays so.
    /// </summary>
    internal static void Recount(SqliteSession s, long roomNid, string userId)
    {
        if (s.Command("SELECT EXISTS (SELECT 1 FROM push_unread WHERE room_nid = @room AND user_id = @u)")
            .With("@room", roomNid).With("@u", userId).ScalarInt64() == 0)
        {
            return;
        }

        s.Command("DELETE FROM push_unread WHERE room_nid = @room AND user_id = @u").With("@room", roomNid).With("@u", userId).ExecuteNonQuery();

        // Every thread's read position is at least the unthreaded one: only the group rows after it can be unread.
        s.Command($"""
            INSERT INTO push_unread (room_nid, user_id, thread_id, notifications, highlights)
            SELECT @room, @u, pg.thread_id, COUNT(*), SUM(pg.highlight)
            FROM event_push_groups pg
            WHERE pg.room_nid = @room AND instr(pg.users, @needle) > 0
              AND pg.stream_pos > COALESCE((SELECT MAX(e.stream_pos) FROM receipts rc JOIN events e ON e.event_nid = rc.event_nid
                                            WHERE rc.room_nid = @room AND rc.user_id = @u
                                              AND rc.receipt_type IN ('m.read', 'm.read.private') AND rc.thread_id = ''), 0)
              AND pg.stream_pos > {ReadPosition}
            GROUP BY pg.thread_id
            """).With("@room", roomNid).With("@u", userId).With("@needle", Needle(userId)).ExecuteNonQuery();
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, UnreadCount>>> GetUnreadCountsAsync(
        string userId, IReadOnlyCollection<string> roomIds, long upto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomIds);
        return reads.ReadAsync<IReadOnlyDictionary<string, IReadOnlyDictionary<string, UnreadCount>>>(
            s =>
            {
                var counts = new Dictionary<string, IReadOnlyDictionary<string, UnreadCount>>(StringComparer.Ordinal);

                // push_unread is as of now; the unread notifications after upto (usually none) are taken off, so the
                // counts match the events a response up to upto shows.
                var command = s.Command($"""
                    WITH room (nid) AS (SELECT room_nid FROM rooms WHERE room_id = @roomId)
                    SELECT thread_id, SUM(n), SUM(h) FROM (
                        SELECT thread_id, notifications AS n, highlights AS h
                        FROM push_unread WHERE room_nid = (SELECT nid FROM room) AND user_id = @u
                        UNION ALL
                        SELECT pg.thread_id, -1, -pg.highlight
                        FROM event_push_groups pg
                        WHERE pg.room_nid = (SELECT nid FROM room) AND pg.stream_pos > @upto AND instr(pg.users, @needle) > 0
                          AND pg.stream_pos > {ReadPosition})
                    GROUP BY thread_id HAVING SUM(n) > 0
                    """).With("@u", userId).With("@needle", Needle(userId)).With("@upto", upto).With("@roomId", string.Empty);
                foreach (var roomId in roomIds)
                {
                    command.Parameters["@roomId"].Value = roomId;
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
                WHERE pg.stream_pos < @before AND instr(pg.users, @needle) > 0 AND (@only = 0 OR pg.highlight = 1)
                ORDER BY pg.stream_pos DESC LIMIT @limit
                """).With("@u", userId).With("@needle", Needle(userId)).With("@before", before ?? long.MaxValue).With("@only", onlyHighlights ? 1 : 0).With("@limit", limit)),
            cancellationToken);

    public Task<IReadOnlyList<PushActionRecord>> GetNotificationsAfterAsync(string userId, long after, int limit, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<PushActionRecord>>(
            s => Read(s.Command($"""
                {RecordColumns}
                WHERE pg.stream_pos > @after AND instr(pg.users, @needle) > 0
                ORDER BY pg.stream_pos LIMIT @limit
                """).With("@u", userId).With("@needle", Needle(userId)).With("@after", after).With("@limit", limit)),
            cancellationToken);

    /// <summary>How a user ID appears inside a group row's <c>users</c>.</summary>
    private static string Needle(string userId) => $"\n{userId}\n";

    // The command is the session's cached one: only the reader is disposed.
    private static List<PushActionRecord> Read(Microsoft.Data.Sqlite.SqliteCommand command)
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
