using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>Timeline reads: topological pages, stream-to-topology conversion, keyed state at many events, timestamps.</summary>
internal sealed partial class SqliteRoomEventStore
{
    private const string RoomNidOf = "(SELECT room_nid FROM rooms WHERE room_id = @r)";

    public Task<IReadOnlyList<StoredEvent>> GetTimelineAsync(
        string roomId, TopologicalPosition from, TopologicalPosition? to, PaginationDirection direction, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        // Row-value comparisons walk events_by_topology (room_nid, depth, event_nid) as one range.
        var (fromClause, toClause, order) = direction == PaginationDirection.Backwards
            ? ("(e.depth, e.event_nid) <= (@fd, @fn)", "(e.depth, e.event_nid) > (@td, @tn)", "DESC")
            : ("(e.depth, e.event_nid) > (@fd, @fn)", "(e.depth, e.event_nid) <= (@td, @tn)", "ASC");
        var sql = $"{EventSelect} WHERE e.room_nid = {RoomNidOf} AND e.status = 0 AND {fromClause}"
            + (to is null ? string.Empty : $" AND {toClause}")
            + $" ORDER BY e.depth {order}, e.event_nid {order} LIMIT @l";
        return reads.ReadAsync<IReadOnlyList<StoredEvent>>(
            s =>
            {
                var command = s.Command(sql).With("@r", roomId).With("@fd", from.Depth).With("@fn", from.EventNid).With("@l", limit);
                if (to is { } bound)
                {
                    command.With("@td", bound.Depth).With("@tn", bound.EventNid);
                }

                return ReadEvents(command);
            },
            cancellationToken);
    }

    public Task<TopologicalPosition> GetTopologicalPositionAtStreamAsync(string roomId, long streamPosition, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => ReadPosition(s.Command($"""
                SELECT depth, event_nid FROM events
                WHERE room_nid = {RoomNidOf} AND stream_pos IS NOT NULL AND stream_pos <= @p
                ORDER BY stream_pos DESC LIMIT 1
                """).With("@r", roomId).With("@p", streamPosition)) ?? TopologicalPosition.Start,
            cancellationToken);

    public Task<TopologicalPosition?> GetLatestTopologicalPositionAsync(string roomId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => ReadPosition(s.Command($"""
                SELECT depth, event_nid FROM events WHERE room_nid = {RoomNidOf} AND status = 0
                ORDER BY depth DESC, event_nid DESC LIMIT 1
                """).With("@r", roomId)),
            cancellationToken);

    public Task<IReadOnlyDictionary<long, IReadOnlyDictionary<StateKey, StoredEvent>>> GetStateEventsAtEventsAsync(
        IReadOnlyCollection<long> eventNids, IReadOnlyCollection<StateKey> keys, StatePoint point,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventNids);
        ArgumentNullException.ThrowIfNull(keys);
        var groupColumn = point == StatePoint.Before ? "state_before_group" : "state_after_group";
        return reads.ReadAsync<IReadOnlyDictionary<long, IReadOnlyDictionary<StateKey, StoredEvent>>>(
            s =>
            {
                // 1. The key nids (a key never interned is in no state at all).
                var keyByNid = new Dictionary<long, StateKey>(keys.Count);
                foreach (var key in keys)
                {
                    if (stateCache.KeyNid(key, k => s.Command("SELECT state_key_nid FROM state_keys WHERE type = @t AND state_key = @k")
                        .With("@t", k.Type).With("@k", k.Key).ScalarInt64OrNull()) is { } nid)
                    {
                        keyByNid[nid] = key;
                    }
                }

                // 2. Each event's state group; a page of messages mostly shares a handful of groups.
                var groupOf = new Dictionary<long, long>(eventNids.Count);
                foreach (var eventNid in eventNids)
                {
                    if (stateCache.Group(eventNid, point, n => s.Command($"SELECT {groupColumn} FROM events WHERE event_nid = @n").With("@n", n)
                        .ScalarInt64OrNull()) is { } group)
                    {
                        groupOf[eventNid] = group;
                    }
                }

                // 3. Each distinct group read once, restricted to the keys; then each distinct state event once.
                var entriesOf = new Dictionary<long, Dictionary<long, long>>();
                foreach (var group in groupOf.Values.Distinct())
                {
                    entriesOf[group] = stateCache.Entries(group, keyByNid.Keys, (g, k) => SqliteStateGroups.LoadNids(s, g, k));
                }

                var stateEvents = new Dictionary<long, StoredEvent>();
                foreach (var stateNid in entriesOf.Values.SelectMany(e => e.Values).Distinct())
                {
                    if (stateCache.Event(stateNid, n => ReadEventByNid(s, n)) is { } stored)
                    {
                        stateEvents[stateNid] = stored;
                    }
                }

                var result = new Dictionary<long, IReadOnlyDictionary<StateKey, StoredEvent>>(groupOf.Count);
                foreach (var (eventNid, group) in groupOf)
                {
                    var state = new Dictionary<StateKey, StoredEvent>();
                    foreach (var (keyNid, stateNid) in entriesOf[group])
                    {
                        if (stateEvents.TryGetValue(stateNid, out var stored))
                        {
                            state[keyByNid[keyNid]] = stored;
                        }
                    }

                    result[eventNid] = state;
                }

                return result;
            },
            cancellationToken);
    }

    private static StoredEvent? ReadEventByNid(SqliteSession s, long eventNid)
    {
        using var r = s.Command(EventSelect + " WHERE e.event_nid = @n").With("@n", eventNid).ExecuteReader();
        return r.Read() ? ReadEvent(r) : null;
    }

    public Task<IReadOnlyList<StoredEvent>> GetEventsByTimestampAsync(
        string roomId, long timestamp, PaginationDirection direction, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var (comparison, order) = direction == PaginationDirection.Forwards ? (">=", "ASC") : ("<=", "DESC");
        var sql = $"""
            {EventSelect} WHERE e.room_nid = {RoomNidOf} AND e.status = 0 AND e.origin_server_ts {comparison} @ts
            ORDER BY e.origin_server_ts {order}, e.depth {order}, e.event_nid {order} LIMIT @l
            """;
        return reads.ReadAsync<IReadOnlyList<StoredEvent>>(
            s => ReadEvents(s.Command(sql).With("@r", roomId).With("@ts", timestamp).With("@l", limit)),
            cancellationToken);
    }

    private static List<StoredEvent> ReadEvents(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        var events = new List<StoredEvent>();
        while (r.Read())
        {
            events.Add(ReadEvent(r));
        }

        return events;
    }

    private static TopologicalPosition? ReadPosition(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        return r.Read() ? new TopologicalPosition(r.GetInt64(0), r.GetInt64(1)) : null;
    }
}
