using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Ranvier.Storage.Receipts;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>The receipts table (migration 0012): one row per (room, user, type, thread), moved forwards in place.</summary>
internal sealed class SqliteReceiptStore(SqliteWriteQueue writes, SqliteReadPool reads) : IReceiptStore
{
    // Unthreaded receipts are stored under thread_id '' so that the primary key covers them.
    private const string Unthreaded = "";

    private const string Columns = """
        SELECT r.room_id, rc.user_id, rc.receipt_type, rc.thread_id, e.event_id, rc.ts, rc.private, rc.stream_pos, e.depth, e.event_nid
        FROM receipts rc JOIN rooms r ON r.room_nid = rc.room_nid JOIN events e ON e.event_nid = rc.event_nid
        """;

    public Task<ReceiptWriteResult> SetReceiptAsync(ReceiptWrite receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return writes.ExecuteAsync(s => Set(s, receipt), cancellationToken);
    }

    private static ReceiptWriteResult Set(SqliteSession s, ReceiptWrite receipt)
    {
        long roomNid, eventNid;
        TopologicalPosition position;
        using (var r = s.Command("SELECT e.room_nid, e.event_nid, e.depth FROM events e JOIN rooms r ON r.room_nid = e.room_nid WHERE e.event_id = @e AND r.room_id = @r")
            .With("@e", receipt.EventId).With("@r", receipt.RoomId).ExecuteReader())
        {
            if (!r.Read())
            {
                return new ReceiptWriteResult(ReceiptWriteOutcome.UnknownEvent, null);
            }

            (roomNid, eventNid, position) = (r.GetInt64(0), r.GetInt64(1), new TopologicalPosition(r.GetInt64(2), r.GetInt64(1)));
        }

        var thread = receipt.ThreadId ?? Unthreaded;
        using (var r = s.Command("""
            SELECT e.depth, e.event_nid FROM receipts rc JOIN events e ON e.event_nid = rc.event_nid
            WHERE rc.room_nid = @r AND rc.user_id = @u AND rc.receipt_type = @t AND rc.thread_id = @th
            """).With("@r", roomNid).With("@u", receipt.UserId).With("@t", receipt.ReceiptType).With("@th", thread).ExecuteReader())
        {
            if (r.Read() && new TopologicalPosition(r.GetInt64(0), r.GetInt64(1)) >= position)
            {
                return new ReceiptWriteResult(ReceiptWriteOutcome.NotAhead, null);
            }
        }

        // The position comes from the one global stream row, inside this transaction (docs/storage.md, "The stream").
        var streamPos = s.Command("UPDATE stream_counter SET pos = pos + 1 WHERE id = 1 RETURNING pos").ScalarInt64();
        s.Command("""
            INSERT INTO receipts (room_nid, user_id, receipt_type, thread_id, event_nid, ts, private, stream_pos)
            VALUES (@r, @u, @t, @th, @e, @ts, @p, @pos)
            ON CONFLICT (room_nid, user_id, receipt_type, thread_id) DO UPDATE SET
                event_nid = excluded.event_nid, ts = excluded.ts, private = excluded.private, stream_pos = excluded.stream_pos
            """)
            .With("@r", roomNid).With("@u", receipt.UserId).With("@t", receipt.ReceiptType).With("@th", thread).With("@e", eventNid)
            .With("@ts", receipt.Ts).With("@p", receipt.IsPrivate ? 1 : 0).With("@pos", streamPos).ExecuteNonQuery();
        if (receipt.ReceiptType is "m.read" or "m.read.private")
        {
            SqlitePushActionStore.Recount(s, roomNid, receipt.UserId);
        }

        return new ReceiptWriteResult(ReceiptWriteOutcome.Stored, streamPos);
    }

    public Task<IReadOnlyList<ReceiptRecord>> GetReceiptsChangedAsync(
        IReadOnlyCollection<string> roomIds, long after, long upto, string viewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomIds);
        if (roomIds.Count == 0 || upto <= after)
        {
            return Task.FromResult<IReadOnlyList<ReceiptRecord>>([]);
        }

        var rooms = new JsonArray([.. roomIds.Select(static id => JsonValue.Create(id))]).ToJsonString();
        return reads.ReadAsync(
            s => ReadAll(s.Command($"""
                {Columns}
                WHERE r.room_id IN (SELECT value FROM json_each(@rooms)) AND rc.stream_pos > @after AND rc.stream_pos <= @upto
                  AND (rc.private = 0 OR rc.user_id = @viewer)
                ORDER BY rc.stream_pos
                """).With("@rooms", rooms).With("@after", after).With("@upto", upto).With("@viewer", viewer)),
            cancellationToken);
    }

    public Task<IReadOnlyList<ReceiptRecord>> GetRoomReceiptsAsync(
        string roomId, string viewer, long upto, int othersLimit, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => ReadAll(s.Command($"""
                SELECT * FROM (
                    {Columns}
                    WHERE r.room_id = @room AND rc.stream_pos <= @upto AND rc.user_id = @viewer
                    UNION ALL
                    SELECT * FROM (
                        {Columns}
                        WHERE r.room_id = @room AND rc.stream_pos <= @upto AND rc.user_id <> @viewer AND rc.private = 0
                        ORDER BY rc.stream_pos DESC LIMIT @limit))
                ORDER BY stream_pos
                """).With("@room", roomId).With("@viewer", viewer).With("@upto", upto).With("@limit", othersLimit)),
            cancellationToken);

    public Task<IReadOnlyList<ReceiptRecord>> GetUserReceiptsAsync(string roomId, string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => ReadAll(s.Command($"{Columns} WHERE r.room_id = @room AND rc.user_id = @u ORDER BY rc.stream_pos")
                .With("@room", roomId).With("@u", userId)),
            cancellationToken);

    // The command is the session's cached one: read it, do not dispose it.
    private static IReadOnlyList<ReceiptRecord> ReadAll(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        var receipts = new List<ReceiptRecord>();
        while (r.Read())
        {
            var thread = r.GetString(3);
            receipts.Add(new ReceiptRecord(
                r.GetString(0), r.GetString(1), r.GetString(2), thread.Length == 0 ? null : thread, r.GetString(4), r.GetInt64(5),
                r.GetInt64(6) != 0, r.GetInt64(7), new TopologicalPosition(r.GetInt64(8), r.GetInt64(9))));
        }

        return receipts;
    }
}
