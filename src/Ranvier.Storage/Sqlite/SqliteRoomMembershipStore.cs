using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>Forgotten rooms (migration 0009_room_forgets.sql), stream-position lookups and room mates.</summary>
internal sealed class SqliteRoomMembershipStore(SqliteWriteQueue writes, SqliteReadPool reads) : IRoomMembershipStore
{
    // The user's current member event in a room: forgotten_rooms rows count only while they still point at it.
    private const string CurrentMemberEvent = """
        (SELECT c.event_nid FROM current_state c JOIN state_keys k ON k.state_key_nid = c.state_key_nid
         WHERE c.room_nid = f.room_nid AND k.type = 'm.room.member' AND k.state_key = f.user_id)
        """;

    // (room_nid, stream position of the member event) of every room @u is joined to; current_state_by_key finds them.
    internal const string JoinedRooms = """
        SELECT c.room_nid, COALESCE(e.stream_pos, 0) AS pos
        FROM state_keys k JOIN current_state c ON c.state_key_nid = k.state_key_nid
        JOIN events e ON e.event_nid = c.event_nid
        WHERE k.type = 'm.room.member' AND k.state_key = @u AND e.membership = 'join'
        """;

    // (user_id, since) of every user joined to a room @u is joined to, @u included: see RoomMate. Also read by the
    // device-list store (SqliteDeviceListStore), which needs the same "who shares a room with @u".
    internal const string RoomMates = $"""
        SELECT k.state_key AS user_id, MIN(MAX(m.pos, COALESCE(e.stream_pos, 0))) AS since
        FROM ({JoinedRooms}) m JOIN current_state c ON c.room_nid = m.room_nid
        JOIN state_keys k ON k.state_key_nid = c.state_key_nid
        JOIN events e ON e.event_nid = c.event_nid
        WHERE k.type = 'm.room.member' AND e.membership = 'join'
        GROUP BY k.state_key
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

    public Task<IReadOnlyList<RoomMate>> GetRoomMatesAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<RoomMate>>(
            s =>
            {
                using var r = s.Command($"SELECT user_id, since FROM ({RoomMates}) ORDER BY user_id").With("@u", userId).ExecuteReader();
                var mates = new List<RoomMate>();
                while (r.Read())
                {
                    mates.Add(new RoomMate(r.GetString(0), r.GetInt64(1)));
                }

                return mates;
            },
            cancellationToken);

    public Task<bool> SharesRoomAsync(string userId, string otherUserId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command($"""
                WITH mine AS ({JoinedRooms})
                SELECT 1 FROM mine m JOIN current_state c ON c.room_nid = m.room_nid
                JOIN state_keys k ON k.state_key_nid = c.state_key_nid
                JOIN events e ON e.event_nid = c.event_nid
                WHERE k.type = 'm.room.member' AND k.state_key = @other AND e.membership = 'join'
                LIMIT 1
                """).With("@u", userId).With("@other", otherUserId).ExecuteScalar() is not null,
            cancellationToken);
}
