using Ranvier.Storage.E2ee;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Reads the device-list stream (migration 15) for /sync's <c>device_lists</c> and GET /keys/changes; see
/// docs/device-lists.md for what counts as changed and left, and why.
/// </summary>
internal sealed class SqliteDeviceListStore(SqliteReadPool reads) : IDeviceListStore
{
    // Users with a change in the window who share a room with @u now (or are @u), and users who came to share one in it.
    // The window of device_list_changes is a range of its primary key.
    private const string Changed = $"""
        WITH mates AS ({SqliteRoomMembershipStore.RoomMates})
        SELECT user_id FROM mates WHERE since > @after AND since <= @upto AND user_id <> @u
        UNION
        SELECT d.user_id FROM device_list_changes d
        WHERE d.stream_pos > @after AND d.stream_pos <= @upto AND (d.user_id = @u OR d.user_id IN (SELECT user_id FROM mates))
        ORDER BY 1
        """;

    // Users who may have stopped sharing a room with @u in the window and share none now. Candidates: whoever stopped
    // being joined to a room @u is joined to (or left in the window), and whoever is still joined to a room @u stopped
    // being joined to in the window. "May have": someone who joined and left within the window is a candidate too,
    // which the spec's wording allows and costs a client one needless look.
    private const string Left = $"""
        WITH mine AS (
            SELECT c.room_nid, e.membership, COALESCE(e.stream_pos, 0) AS pos
            FROM state_keys k JOIN current_state c ON c.state_key_nid = k.state_key_nid
            JOIN events e ON e.event_nid = c.event_nid
            WHERE k.type = 'm.room.member' AND k.state_key = @u
        ),
        candidates AS (
            SELECT e.state_key AS user_id FROM mine m JOIN events e ON e.room_nid = m.room_nid
            WHERE (m.membership = 'join' OR m.pos > @after)
              AND e.stream_pos > @after AND e.stream_pos <= @upto
              AND e.type = 'm.room.member' AND e.membership <> 'join'
            UNION
            SELECT k.state_key FROM mine m JOIN current_state c ON c.room_nid = m.room_nid
            JOIN state_keys k ON k.state_key_nid = c.state_key_nid
            JOIN events e ON e.event_nid = c.event_nid
            WHERE m.membership <> 'join' AND m.pos > @after AND m.pos <= @upto
              AND k.type = 'm.room.member' AND e.membership = 'join'
        )
        SELECT user_id FROM candidates
        WHERE user_id <> @u AND user_id NOT IN (SELECT user_id FROM ({SqliteRoomMembershipStore.RoomMates}))
        ORDER BY user_id
        """;

    public Task<IReadOnlyList<string>> GetChangedUsersAsync(long after, long upto, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => ReadUserIds(s.Command("SELECT DISTINCT user_id FROM device_list_changes WHERE stream_pos > @after AND stream_pos <= @upto ORDER BY user_id")
                .With("@after", after).With("@upto", upto)),
            cancellationToken);

    public Task<DeviceListDelta> GetDeltaAsync(string userId, long after, long upto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return reads.ReadAsync(
            s => new DeviceListDelta(
                ReadUserIds(s.Command(Changed).With("@u", userId).With("@after", after).With("@upto", upto)),
                ReadUserIds(s.Command(Left).With("@u", userId).With("@after", after).With("@upto", upto))),
            cancellationToken);
    }

    private static IReadOnlyList<string> ReadUserIds(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        var userIds = new List<string>();
        while (r.Read())
        {
            userIds.Add(r.GetString(0));
        }

        return userIds;
    }
}
