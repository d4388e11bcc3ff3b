using System.Text.Json.Nodes;
using Ranvier.Protocol.Relations;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Reads of event_redactions and event_relations (filled by <see cref="SqliteRoomEventStore"/> at persist time).
/// ID lists travel as one JSON array parameter (<c>json_each</c>), so a page of events costs one statement per
/// aggregation kind rather than one per event. Recent events known to have neither (<see cref="SqliteRecentEvents.MayBeAnnotated"/>)
/// are not looked up: a new message served to every woken sync costs no query for them.
/// </summary>
internal sealed class SqliteRelationsStore(SqliteReadPool reads, SqliteRecentEvents recent) : IRoomRelationsStore
{
    /// <summary>True when the child event <c>c</c> was redacted: its relationship is then broken (spec: "Aggregations of child events").</summary>
    private const string ChildNotRedacted = "NOT EXISTS (SELECT 1 FROM event_redactions x WHERE x.target_event_id = c.event_id)";

    private const string RoomNid = "(SELECT room_nid FROM rooms WHERE room_id = @room)";

    public Task<IReadOnlyDictionary<string, StoredEvent>> GetRedactionsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        eventIds = recent.MayBeAnnotated(eventIds);
        if (eventIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, StoredEvent>>(new Dictionary<string, StoredEvent>());
        }

        return reads.ReadAsync<IReadOnlyDictionary<string, StoredEvent>>(
            s =>
            {
                // The earliest redaction of each target wins; its event is read once per target found.
                var first = new Dictionary<string, long>(StringComparer.Ordinal);
                using (var r = s.Command("""
                    SELECT target_event_id, redaction_nid FROM event_redactions
                    WHERE target_event_id IN (SELECT value FROM json_each(@ids)) ORDER BY redaction_nid
                    """).With("@ids", ToJsonArray(eventIds)).ExecuteReader())
                {
                    while (r.Read())
                    {
                        first.TryAdd(r.GetString(0), r.GetInt64(1));
                    }
                }

                var found = new Dictionary<string, StoredEvent>(first.Count, StringComparer.Ordinal);
                foreach (var (target, nid) in first)
                {
                    if (ReadEventByNid(s, nid) is { } redaction)
                    {
                        found[target] = redaction;
                    }
                }

                return found;
            },
            cancellationToken);
    }

    public Task<RelationsPage> GetRelationsAsync(RelationsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var order = query.Forward ? "e.depth, e.event_nid" : "e.depth DESC, e.event_nid DESC";
        var (after, before) = query.Forward ? (query.From, query.To) : (query.To, query.From);
        // Forward: strictly after 'from', up to 'to' inclusive. Backward: strictly before 'from', down to 'to' inclusive.
        var afterOp = query.Forward ? ">" : ">=";
        var beforeOp = query.Forward ? "<=" : "<";
        return reads.ReadAsync(
            s =>
            {
                const string Match = "(@rel IS NULL OR rel.rel_type = @rel) AND (@type IS NULL OR rel.type = @type) AND " + ChildNotRedacted;
                var sql = $"""
                    WITH RECURSIVE tree (event_nid, event_id, level) AS (
                        SELECT c.event_nid, c.event_id, 1 FROM event_relations rel JOIN events c ON c.event_nid = rel.event_nid
                        WHERE rel.relates_to_id = @parent AND rel.room_nid = {RoomNid} AND {Match}
                        UNION
                        SELECT c.event_nid, c.event_id, t.level + 1 FROM tree t
                        JOIN event_relations rel ON rel.relates_to_id = t.event_id AND rel.room_nid = {RoomNid}
                        JOIN events c ON c.event_nid = rel.event_nid
                        WHERE t.level < @max AND {Match}
                    )
                    {SqliteRoomEventStore.EventSelect}
                    WHERE e.event_nid IN (SELECT event_nid FROM tree)
                      AND (@ad IS NULL OR (e.depth, e.event_nid) {afterOp} (@ad, @an))
                      AND (@bd IS NULL OR (e.depth, e.event_nid) {beforeOp} (@bd, @bn))
                    ORDER BY {order} LIMIT @limit
                    """;
                using var r = s.Command(sql)
                    .With("@parent", query.ParentId).With("@room", query.RoomId).With("@rel", query.RelType).With("@type", query.EventType)
                    .With("@max", query.MaxDepth).With("@limit", query.Limit + 1)
                    .With("@ad", after?.Depth).With("@an", after?.EventNid).With("@bd", before?.Depth).With("@bn", before?.EventNid)
                    .ExecuteReader();
                var events = new List<StoredEvent>();
                while (r.Read())
                {
                    events.Add(SqliteRoomEventStore.ReadEvent(r));
                }

                var more = events.Count > query.Limit;
                if (more)
                {
                    events.RemoveAt(events.Count - 1);
                }

                return new RelationsPage(events, more);
            },
            cancellationToken);
    }

    public Task<BundledRelations> GetBundledRelationsAsync(string roomId, IReadOnlyList<string> parentIds, string? viewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parentIds);
        parentIds = recent.MayBeAnnotated(parentIds);
        if (parentIds.Count == 0)
        {
            return Task.FromResult(BundledRelations.None);
        }

        var ids = ToJsonArray(parentIds);
        return reads.ReadAsync(
            s => new BundledRelations(ReadThreads(s, roomId, ids, viewer), ReadReferences(s, roomId, ids), ReadReplacements(s, roomId, ids)),
            cancellationToken);
    }

    public Task<bool> HasAnnotationAsync(string parentId, string sender, string type, string key, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command($"""
                SELECT EXISTS (
                    SELECT 1 FROM event_relations rel JOIN events c ON c.event_nid = rel.event_nid JOIN event_json j ON j.event_nid = c.event_nid
                    WHERE rel.relates_to_id = @parent AND rel.rel_type = @annotation AND rel.sender = @sender AND rel.type = @type
                      AND json_extract(j.json, '$.content."m.relates_to".key') = @key AND {ChildNotRedacted})
                """).With("@parent", parentId).With("@annotation", RelationTypes.Annotation).With("@sender", sender).With("@type", type).With("@key", key)
                .ScalarInt64() == 1,
            cancellationToken);

    public Task<IReadOnlyList<ThreadRoot>> GetThreadRootsAsync(
        string roomId, TopologicalPosition? before, string? participant, int limit, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<ThreadRoot>>(
            s =>
            {
                var latest = new List<(long RootNid, TopologicalPosition Latest)>();
                using (var r = s.Command($"""
                    SELECT root_nid, depth, event_nid FROM (
                        SELECT p.event_nid AS root_nid, p.sender AS root_sender, c.depth, c.event_nid,
                               ROW_NUMBER() OVER (PARTITION BY p.event_nid ORDER BY c.depth DESC, c.event_nid DESC) AS rn,
                               MAX(rel.sender = @user) OVER (PARTITION BY p.event_nid) AS replied
                        FROM event_relations rel JOIN events c ON c.event_nid = rel.event_nid
                        JOIN events p ON p.event_id = rel.relates_to_id AND p.room_nid = rel.room_nid
                        WHERE rel.room_nid = {RoomNid} AND rel.rel_type = @thread AND p.status = 0 AND {ChildNotRedacted}
                    )
                    WHERE rn = 1 AND (@user IS NULL OR replied = 1 OR root_sender = @user)
                      AND (@bd IS NULL OR (depth, event_nid) < (@bd, @bn))
                    ORDER BY depth DESC, event_nid DESC LIMIT @limit
                    """).With("@room", roomId).With("@thread", RelationTypes.Thread).With("@user", participant)
                    .With("@bd", before?.Depth).With("@bn", before?.EventNid).With("@limit", limit).ExecuteReader())
                {
                    while (r.Read())
                    {
                        latest.Add((r.GetInt64(0), new TopologicalPosition(r.GetInt64(1), r.GetInt64(2))));
                    }
                }

                var roots = new List<ThreadRoot>(latest.Count);
                foreach (var (rootNid, position) in latest)
                {
                    if (ReadEventByNid(s, rootNid) is { } root)
                    {
                        roots.Add(new ThreadRoot(root, position));
                    }
                }

                return roots;
            },
            cancellationToken);

    private static Dictionary<string, ThreadSummary> ReadThreads(SqliteSession s, string roomId, string ids, string? viewer)
    {
        var rows = new List<(string Parent, long LatestNid, int Count, bool Participated)>();
        using (var r = s.Command($"""
            SELECT relates_to_id, event_nid, n, participated FROM (
                SELECT rel.relates_to_id, c.event_nid,
                       ROW_NUMBER() OVER (PARTITION BY rel.relates_to_id ORDER BY c.depth DESC, c.event_nid DESC) AS rn,
                       COUNT(*) OVER (PARTITION BY rel.relates_to_id) AS n,
                       MAX(rel.sender = @viewer) OVER (PARTITION BY rel.relates_to_id) AS participated
                FROM event_relations rel JOIN events c ON c.event_nid = rel.event_nid
                WHERE rel.room_nid = {RoomNid} AND rel.rel_type = @thread
                  AND rel.relates_to_id IN (SELECT value FROM json_each(@ids)) AND {ChildNotRedacted}
            ) WHERE rn = 1
            """).With("@room", roomId).With("@thread", RelationTypes.Thread).With("@ids", ids).With("@viewer", viewer).ExecuteReader())
        {
            while (r.Read())
            {
                rows.Add((r.GetString(0), r.GetInt64(1), r.GetInt32(2), !r.IsDBNull(3) && r.GetInt64(3) == 1));
            }
        }

        var threads = new Dictionary<string, ThreadSummary>(rows.Count, StringComparer.Ordinal);
        foreach (var (parent, latestNid, count, participated) in rows)
        {
            if (ReadEventByNid(s, latestNid) is { } latest)
            {
                threads[parent] = new ThreadSummary(latest, count, participated);
            }
        }

        return threads;
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadReferences(SqliteSession s, string roomId, string ids)
    {
        var references = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using var r = s.Command($"""
            SELECT rel.relates_to_id, c.event_id FROM event_relations rel JOIN events c ON c.event_nid = rel.event_nid
            WHERE rel.room_nid = {RoomNid} AND rel.rel_type = @reference
              AND rel.relates_to_id IN (SELECT value FROM json_each(@ids)) AND {ChildNotRedacted}
            ORDER BY c.depth, c.event_nid
            """).With("@room", roomId).With("@reference", RelationTypes.Reference).With("@ids", ids).ExecuteReader();
        while (r.Read())
        {
            var parent = r.GetString(0);
            if (!references.TryGetValue(parent, out var children))
            {
                references[parent] = children = [];
            }

            children.Add(r.GetString(1));
        }

        return references.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>The most recent valid edit per parent (spec: "Validity of replacement events"; "most recent" by origin_server_ts, then event ID).</summary>
    private static Dictionary<string, StoredEvent> ReadReplacements(SqliteSession s, string roomId, string ids)
    {
        var rows = new List<(string Parent, long Nid)>();
        using (var r = s.Command($"""
            SELECT relates_to_id, event_nid FROM (
                SELECT rel.relates_to_id, c.event_nid,
                       ROW_NUMBER() OVER (PARTITION BY rel.relates_to_id ORDER BY c.origin_server_ts DESC, c.event_id DESC) AS rn
                FROM event_relations rel JOIN events c ON c.event_nid = rel.event_nid
                JOIN events p ON p.event_id = rel.relates_to_id AND p.room_nid = rel.room_nid
                WHERE rel.room_nid = {RoomNid} AND rel.rel_type = @replace
                  AND rel.relates_to_id IN (SELECT value FROM json_each(@ids)) AND {ChildNotRedacted}
                  AND c.sender = p.sender AND c.type = p.type AND p.state_key IS NULL
                  AND NOT EXISTS (SELECT 1 FROM event_relations pr WHERE pr.event_nid = p.event_nid AND pr.rel_type = @replace)
            ) WHERE rn = 1
            """).With("@room", roomId).With("@replace", RelationTypes.Replace).With("@ids", ids).ExecuteReader())
        {
            while (r.Read())
            {
                rows.Add((r.GetString(0), r.GetInt64(1)));
            }
        }

        var replacements = new Dictionary<string, StoredEvent>(rows.Count, StringComparer.Ordinal);
        foreach (var (parent, nid) in rows)
        {
            if (ReadEventByNid(s, nid) is { } edit)
            {
                replacements[parent] = edit;
            }
        }

        return replacements;
    }

    private static StoredEvent? ReadEventByNid(SqliteSession s, long nid)
    {
        using var r = s.Command(SqliteRoomEventStore.EventSelect + " WHERE e.event_nid = @n").With("@n", nid).ExecuteReader();
        return r.Read() ? SqliteRoomEventStore.ReadEvent(r) : null;
    }

    private static string ToJsonArray(IReadOnlyList<string> ids) => new JsonArray([.. ids.Select(static id => JsonValue.Create(id))]).ToJsonString();
}
