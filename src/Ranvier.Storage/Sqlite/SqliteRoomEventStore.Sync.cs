using Microsoft.Data.Sqlite;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>Sync reads: a user's membership changes and memberships at a position, rooms touched in a window, the latest events of a room.</summary>
internal sealed partial class SqliteRoomEventStore
{
    /// <summary><see cref="EventSelect"/> plus the membership column (ordinal 11).</summary>
    private const string MemberEventSelect = """
        SELECT e.event_nid, e.event_id, r.room_id, e.type, e.state_key, e.sender, e.depth, e.origin_server_ts,
               e.status, e.stream_pos, j.json, e.membership
        FROM events e JOIN rooms r ON r.room_nid = e.room_nid JOIN event_json j ON j.event_nid = e.event_nid
        """;

    public Task<IReadOnlyList<MembershipEvent>> GetMembershipEventsInRoomAsync(
        string userId, string roomId, long after, long upto, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<MembershipEvent>>(
            // events_by_room_stream: a range scan of the room's window.
            s => ReadMemberships(s.Command(MemberEventSelect + """
                 WHERE e.room_nid = (SELECT room_nid FROM rooms WHERE room_id = @r) AND e.stream_pos > @a AND e.stream_pos <= @p
                  AND e.type = 'm.room.member' AND e.state_key = @u AND e.membership IS NOT NULL
                ORDER BY e.stream_pos
                """).With("@r", roomId).With("@u", userId).With("@a", after).With("@p", upto)),
            cancellationToken);

    public Task<IReadOnlyList<MembershipEvent>> GetMembershipsAtAsync(string userId, long upto, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<MembershipEvent>>(
            s =>
            {
                // Every room the user ever had a member event in keeps one in its current state; that event is the
                // answer unless it came after the position (a write racing the sync), then the latest one before it is.
                var current = ReadMemberships(s.Command(MemberEventSelect + """
                     JOIN current_state c ON c.event_nid = e.event_nid AND c.room_nid = e.room_nid
                     JOIN state_keys k ON k.state_key_nid = c.state_key_nid
                    WHERE k.type = 'm.room.member' AND k.state_key = @u AND e.membership IS NOT NULL
                    ORDER BY r.room_id
                    """).With("@u", userId));
                var result = new List<MembershipEvent>(current.Count);
                foreach (var membership in current)
                {
                    if (membership.Event.StreamPosition is { } position && position <= upto)
                    {
                        result.Add(membership);
                        continue;
                    }

                    var earlier = ReadMemberships(s.Command(MemberEventSelect + """
                         WHERE e.type = 'm.room.member' AND e.state_key = @u AND e.room_nid = (SELECT room_nid FROM rooms WHERE room_id = @r)
                          AND e.stream_pos IS NOT NULL AND e.stream_pos <= @p AND e.membership IS NOT NULL
                        ORDER BY e.stream_pos DESC LIMIT 1
                        """).With("@u", userId).With("@r", membership.RoomId).With("@p", upto));
                    result.AddRange(earlier);
                }

                return result;
            },
            cancellationToken);

    public Task<IReadOnlySet<string>> GetRoomsWithEventsAsync(long after, long upto, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlySet<string>>(
            s =>
            {
                // The stream position's unique index makes this a range scan of the window alone.
                using var r = s.Command("""
                    SELECT DISTINCT r.room_id FROM events e JOIN rooms r ON r.room_nid = e.room_nid
                    WHERE e.stream_pos > @a AND e.stream_pos <= @p
                    """).With("@a", after).With("@p", upto).ExecuteReader();
                var rooms = new HashSet<string>(StringComparer.Ordinal);
                while (r.Read())
                {
                    rooms.Add(r.GetString(0));
                }

                return rooms;
            },
            cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> GetLatestRoomEventsAsync(
        string roomId, long after, long upto, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (recent.TryGetLatest(roomId, after, upto, limit, out var cached))
        {
            return Task.FromResult(cached);
        }

        return reads.ReadAsync<IReadOnlyList<StoredEvent>>(
            s => ReadEvents(s.Command($"""
                {EventSelect} WHERE e.room_nid = {RoomNidOf} AND e.stream_pos > @a AND e.stream_pos <= @p
                ORDER BY e.stream_pos DESC LIMIT @l
                """).With("@r", roomId).With("@a", after).With("@p", upto).With("@l", limit)),
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<long, string>> GetTransactionIdsAsync(
        string userId, string deviceId, IReadOnlyCollection<long> eventNids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventNids);
        return reads.ReadAsync<IReadOnlyDictionary<long, string>>(
            s =>
            {
                var found = new Dictionary<long, string>();
                foreach (var nid in eventNids)
                {
                    if (s.Command("SELECT txn_id FROM event_transactions WHERE event_nid = @n AND user_id = @u AND device_id = @d")
                        .With("@n", nid).With("@u", userId).With("@d", deviceId).ExecuteScalar() is string txn)
                    {
                        found[nid] = txn;
                    }
                }

                return found;
            },
            cancellationToken);
    }

    public Task<RoomMemberSummary> GetRoomMemberSummaryAsync(string roomId, string userId, int heroCount, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                const string members = """
                    FROM current_state c JOIN state_keys k ON k.state_key_nid = c.state_key_nid
                    JOIN events e ON e.event_nid = c.event_nid
                    WHERE c.room_nid = (SELECT room_nid FROM rooms WHERE room_id = @r) AND k.type = 'm.room.member'
                    """;
                long joined = 0, invited = 0;
                using (var r = s.Command($"SELECT e.membership, COUNT(*) {members} GROUP BY e.membership").With("@r", roomId).ExecuteReader())
                {
                    while (r.Read())
                    {
                        switch (r.GetStringOrNull(0))
                        {
                            case "join":
                                joined = r.GetInt64(1);
                                break;
                            case "invite":
                                invited = r.GetInt64(1);
                                break;
                        }
                    }
                }

                var heroes = Heroes(s, members, roomId, userId, heroCount, "'join', 'invite'");
                if (heroes.Count == 0)
                {
                    heroes = Heroes(s, members, roomId, userId, heroCount, "'leave', 'ban'");
                }

                return new RoomMemberSummary(joined, invited, heroes);
            },
            cancellationToken);

    private static List<string> Heroes(SqliteSession s, string members, string roomId, string userId, int count, string memberships)
    {
        using var r = s.Command($"SELECT k.state_key {members} AND k.state_key <> @u AND e.membership IN ({memberships}) ORDER BY e.stream_pos, e.event_nid LIMIT @n")
            .With("@r", roomId).With("@u", userId).With("@n", count).ExecuteReader();
        var heroes = new List<string>();
        while (r.Read())
        {
            heroes.Add(r.GetString(0));
        }

        return heroes;
    }

    private static List<MembershipEvent> ReadMemberships(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        var result = new List<MembershipEvent>();
        while (r.Read())
        {
            var stored = ReadEvent(r);
            result.Add(new MembershipEvent(stored.RoomId, r.GetString(11), stored));
        }

        return result;
    }
}
