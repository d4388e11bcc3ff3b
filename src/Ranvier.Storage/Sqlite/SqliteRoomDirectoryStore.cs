using Microsoft.Data.Sqlite;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

internal sealed class SqliteRoomDirectoryStore(SqliteWriteQueue writes, SqliteReadPool reads) : IRoomDirectoryStore
{
    // Published rooms this server has, with the two values the directory sorts and filters on, read from current state.
    private const string Listed = """
        WITH listed AS (
            SELECT p.room_id AS room_id, r.room_nid AS room_nid,
                (SELECT COUNT(*) FROM current_state cs JOIN events e ON e.event_nid = cs.event_nid
                 WHERE cs.room_nid = r.room_nid AND e.type = 'm.room.member' AND e.membership = 'join') AS joined,
                (SELECT json_extract(j.json, '$.content.type') FROM current_state cs JOIN events e ON e.event_nid = cs.event_nid
                    JOIN event_json j ON j.event_nid = e.event_nid
                 WHERE cs.room_nid = r.room_nid AND e.type = 'm.room.create' AND e.state_key = '') AS room_type
            FROM published_rooms p JOIN rooms r ON r.room_id = p.room_id
        )
        SELECT room_id, joined FROM listed l
        WHERE (@types IS NULL OR (l.room_type IS NULL AND @untyped = 1) OR l.room_type IN (SELECT value FROM json_each(@types)))
          AND (@term IS NULL OR EXISTS (
                SELECT 1 FROM current_state cs JOIN events e ON e.event_nid = cs.event_nid JOIN event_json j ON j.event_nid = e.event_nid
                WHERE cs.room_nid = l.room_nid AND e.state_key = '' AND (
                    (e.type = 'm.room.name' AND instr(lower(json_extract(j.json, '$.content.name')), @term) > 0)
                    OR (e.type = 'm.room.topic' AND instr(lower(json_extract(j.json, '$.content.topic')), @term) > 0)
                    OR (e.type = 'm.room.canonical_alias' AND instr(lower(json_extract(j.json, '$.content.alias')), @term) > 0))))
        """;

    private const string ForwardPage = Listed + """

          AND (@m IS NULL OR l.joined < @m OR (l.joined = @m AND l.room_id > @r))
        ORDER BY l.joined DESC, l.room_id ASC LIMIT @limit
        """;

    private const string BackwardPage = Listed + """

          AND (l.joined > @m OR (l.joined = @m AND l.room_id < @r))
        ORDER BY l.joined ASC, l.room_id DESC LIMIT @limit
        """;

    public Task<bool> CreateAliasAsync(RoomAliasRecord alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return writes.ExecuteAsync(
            s =>
            {
                try
                {
                    s.Command("INSERT INTO room_aliases (alias, room_id, creator, created_ts) VALUES (@a, @r, @c, @t)")
                        .With("@a", alias.Alias).With("@r", alias.RoomId).With("@c", alias.Creator).With("@t", alias.CreatedTs).ExecuteNonQuery();
                    return true;
                }
                catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
                {
                    return false;
                }
            },
            cancellationToken);
    }

    public Task<RoomAliasRecord?> GetAliasAsync(string alias, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                using var r = s.Command("SELECT alias, room_id, creator, created_ts FROM room_aliases WHERE alias = @a").With("@a", alias).ExecuteReader();
                return r.Read() ? new RoomAliasRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3)) : null;
            },
            cancellationToken);

    public Task<bool> DeleteAliasAsync(string alias, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(s => s.Command("DELETE FROM room_aliases WHERE alias = @a").With("@a", alias).ExecuteNonQuery() > 0, cancellationToken);

    public Task<IReadOnlyList<string>> GetAliasesForRoomAsync(string roomId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<string>>(
            s =>
            {
                using var r = s.Command("SELECT alias FROM room_aliases WHERE room_id = @r ORDER BY alias").With("@r", roomId).ExecuteReader();
                var aliases = new List<string>();
                while (r.Read())
                {
                    aliases.Add(r.GetString(0));
                }

                return aliases;
            },
            cancellationToken);

    public Task SetPublishedAsync(string roomId, bool published, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => (published
                    ? s.Command("INSERT INTO published_rooms (room_id) VALUES (@r) ON CONFLICT (room_id) DO NOTHING")
                    : s.Command("DELETE FROM published_rooms WHERE room_id = @r"))
                .With("@r", roomId).ExecuteNonQuery(),
            cancellationToken);

    public Task<bool> IsPublishedAsync(string roomId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(s => s.Command("SELECT 1 FROM published_rooms WHERE room_id = @r").With("@r", roomId).ExecuteScalar() is not null, cancellationToken);

    public Task<IReadOnlyList<PublishedRoomKey>> ListPublishedRoomsAsync(PublishedRoomsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        if (query.Backward && query.From is null)
        {
            throw new ArgumentException("A backward page needs a position to page back from.", nameof(query));
        }

        var types = query.RoomTypes is null ? null : "[" + string.Join(",", query.RoomTypes.OfType<string>().Select(JsonText.String)) + "]";
        var untyped = query.RoomTypes?.Contains(null) == true;
        return reads.ReadAsync<IReadOnlyList<PublishedRoomKey>>(
            s =>
            {
                using var r = s.Command(query.Backward ? BackwardPage : ForwardPage)
                    .With("@types", types).With("@untyped", untyped ? 1 : 0).With("@term", query.SearchTerm)
                    .With("@m", query.From?.JoinedMembers).With("@r", query.From?.RoomId).With("@limit", query.Limit)
                    .ExecuteReader();
                var rooms = new List<PublishedRoomKey>();
                while (r.Read())
                {
                    rooms.Add(new PublishedRoomKey(r.GetInt64(1), r.GetString(0)));
                }

                if (query.Backward)
                {
                    rooms.Reverse();
                }

                return rooms;
            },
            cancellationToken);
    }

    public Task<int> CountPublishedRoomsAsync(CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => (int)s.Command("SELECT COUNT(*) FROM published_rooms p JOIN rooms r ON r.room_id = p.room_id").ScalarInt64(),
            cancellationToken);
}
