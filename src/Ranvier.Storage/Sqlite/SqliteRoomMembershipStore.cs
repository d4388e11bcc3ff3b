using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>Forgotten rooms and stream-position lookups (migration 0009_room_forgets.sql).</summary>
internal sealed class SqliteRoomMembershipStore(SqliteWriteQueue writes, SqliteReadPool reads) : IRoomMembershipStore
{
    // The user's current member event in a room: forgotten_rooms rows count only while they still point at it.
    private const string CurrentMemberEvent = """
        (SELECT c.event_nid FROM current_state c JOIN state_keys k ON k.state_key_nid = c.state_key_nid
         WHERE c.room_nid = f.room_nid AND k.type = 'm.room.member' AND k.state_key = f.user_id)
        """;

    public Task<bool> ForgetRoomAsync(string userId, string roomId, string memberEventId, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("""
                INSERT INTO forgotten_rooms (user_id, room_nid, member_event_nid)
                SELECT @u, e.room_nid, e.event_nid FROM events e JOIN rooms r ON r.room_nid = e.room_nid
                WHERE e.event_id = @e AND r.room_id = @r
                ON CONFLICT (user_id, room_nid) DO UPDATE SET member_event_nid = excluded.member_event_nid
                """).With("@u", userId).With("@r", roomId).With("@e", memberEventId).ExecuteNonQuery() > 0,
            cancellationToken);

    public Task<bool> IsRoomForgottenAsync(string userId, string roomId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command($"""
                SELECT 1 FROM forgotten_rooms f JOIN rooms r ON r.room_nid = f.room_nid
                WHERE f.user_id = @u AND r.room_id = @r AND f.member_event_nid = {CurrentMemberEvent}
                """).With("@u", userId).With("@r", roomId).ExecuteScalar() is not null,
            cancellationToken);

    public Task<IReadOnlyList<string>> GetForgottenRoomsAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<string>>(
            s =>
            {
                using var r = s.Command($"""
                    SELECT r.room_id FROM forgotten_rooms f JOIN rooms r ON r.room_nid = f.room_nid
                    WHERE f.user_id = @u AND f.member_event_nid = {CurrentMemberEvent}
                    ORDER BY r.room_id
                    """).With("@u", userId).ExecuteReader();
                var rooms = new List<string>();
                while (r.Read())
                {
                    rooms.Add(r.GetString(0));
                }

                return rooms;
            },
            cancellationToken);

    public Task<string?> GetLastEventIdAtStreamPositionAsync(string roomId, long streamPosition, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command("""
                SELECT e.event_id FROM events e JOIN rooms r ON r.room_nid = e.room_nid
                WHERE r.room_id = @r AND e.stream_pos IS NOT NULL AND e.stream_pos <= @p
                ORDER BY e.stream_pos DESC LIMIT 1
                """).With("@r", roomId).With("@p", streamPosition).ExecuteScalar() as string,
            cancellationToken);
}
