using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>Reads of rooms, events, state and the stream; the write path is in SqliteRoomEventStore.Persist.cs.</summary>
internal sealed partial class SqliteRoomEventStore(SqliteWriteQueue writes, SqliteReadPool reads, SqliteRecentEvents recent, SqliteStateCache stateCache, int maxStateChainLength) : IRoomEventStore
{
    internal const string EventSelect = """
        SELECT e.event_nid, e.event_id, r.room_id, e.type, e.state_key, e.sender, e.depth, e.origin_server_ts,
               e.status, e.stream_pos, j.json
        FROM events e JOIN rooms r ON r.room_nid = e.room_nid JOIN event_json j ON j.event_nid = e.event_nid
        """;

    private readonly SqliteStateGroups _stateGroups = new(maxStateChainLength);

    public Task<StoredEvent?> GetEventAsync(string eventId, CancellationToken cancellationToken = default) =>
        TryGetKept(eventId, out var kept) ? Task.FromResult<StoredEvent?>(kept) : reads.ReadAsync(
            s =>
            {
                using var r = s.Command(EventSelect + " WHERE e.event_id = @id").With("@id", eventId).ExecuteReader();
                return r.Read() ? ReadEvent(r) : null;
            },
            cancellationToken);

    /// <summary>
    /// The event from the recent events kept in memory (<see cref="SqliteRecentEvents.TryGet"/>), outside a snapshot
    /// only: one may have been taken before the event committed.
    /// </summary>
    private bool TryGetKept(string eventId, [NotNullWhen(true)] out StoredEvent? stored)
    {
        stored = null;
        return !reads.InSnapshot && recent.TryGet(eventId, out stored);
    }

    public Task<IReadOnlyList<StoredEvent>> GetEventsAsync(IReadOnlyList<long> eventNids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventNids);
        return reads.ReadAsync<IReadOnlyList<StoredEvent>>(
            s =>
            {
                // One prepared point lookup per ID: as fast as an IN list here, and it keeps the caller's order.
                var events = new List<StoredEvent>(eventNids.Count);
                foreach (var nid in eventNids)
                {
                    using var r = s.Command(EventSelect + " WHERE e.event_nid = @n").With("@n", nid).ExecuteReader();
                    if (r.Read())
                    {
                        events.Add(ReadEvent(r));
                    }
                }

                return events;
            },
            cancellationToken);
    }

    public Task<string?> GetRoomVersionAsync(string roomId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command("SELECT room_version FROM rooms WHERE room_id = @r").With("@r", roomId).ExecuteScalar() as string,
            cancellationToken);

    public Task<IReadOnlyDictionary<StateKey, string>?> GetStateAtEventAsync(string eventId, StatePoint point, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyDictionary<StateKey, string>?>(
            s =>
            {
                var sql = point == StatePoint.Before
                    ? "SELECT state_before_group FROM events WHERE event_id = @id"
                    : "SELECT state_after_group FROM events WHERE event_id = @id";
                return s.Command(sql).With("@id", eventId).ScalarInt64OrNull() is { } group ? SqliteStateGroups.Load(s, group) : null;
            },
            cancellationToken);

    public Task<IReadOnlyDictionary<StateKey, string>> GetCurrentStateAsync(string roomId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyDictionary<StateKey, string>>(
            s =>
            {
                using var r = s.Command("""
                    SELECT k.type, k.state_key, e.event_id
                    FROM rooms r JOIN current_state c ON c.room_nid = r.room_nid
                    JOIN state_keys k ON k.state_key_nid = c.state_key_nid JOIN events e ON e.event_nid = c.event_nid
                    WHERE r.room_id = @r
                    """).With("@r", roomId).ExecuteReader();
                var state = new Dictionary<StateKey, string>();
                while (r.Read())
                {
                    state.Add(new StateKey(r.GetString(0), r.GetString(1)), r.GetString(2));
                }

                return state;
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> GetForwardExtremitiesAsync(string roomId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<string>>(
            s =>
            {
                using var r = s.Command("""
                    SELECT e.event_id FROM rooms r JOIN forward_extremities f ON f.room_nid = r.room_nid
                    JOIN events e ON e.event_nid = f.event_nid
                    WHERE r.room_id = @r ORDER BY e.event_id
                    """).With("@r", roomId).ExecuteReader();
                var ids = new List<string>();
                while (r.Read())
                {
                    ids.Add(r.GetString(0));
                }

                return ids;
            },
            cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> GetRoomEventsAfterAsync(string roomId, long afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return reads.ReadAsync<IReadOnlyList<StoredEvent>>(
            s =>
            {
                using var r = s.Command(EventSelect + " WHERE r.room_id = @r AND e.stream_pos > @p ORDER BY e.stream_pos LIMIT @l")
                    .With("@r", roomId).With("@p", afterPosition).With("@l", limit).ExecuteReader();
                var events = new List<StoredEvent>();
                while (r.Read())
                {
                    events.Add(ReadEvent(r));
                }

                return events;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredEvent>> GetEventsByIdAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);

        // The latest events of rooms written to lately (a send's prev events) are kept in memory; only the rest are read.
        var kept = new StoredEvent?[eventIds.Count];
        var missing = 0;
        for (var i = 0; i < eventIds.Count; i++)
        {
            missing += TryGetKept(eventIds[i], out kept[i]) ? 0 : 1;
        }

        if (missing == 0)
        {
            return Task.FromResult<IReadOnlyList<StoredEvent>>([.. kept.OfType<StoredEvent>()]);
        }

        return reads.ReadAsync<IReadOnlyList<StoredEvent>>(
            s =>
            {
                var events = new List<StoredEvent>(eventIds.Count);
                for (var i = 0; i < eventIds.Count; i++)
                {
                    if (kept[i] is { } known)
                    {
                        events.Add(known);
                        continue;
                    }

                    using var r = s.Command(EventSelect + " WHERE e.event_id = @id").With("@id", eventIds[i]).ExecuteReader();
                    if (r.Read())
                    {
                        events.Add(ReadEvent(r));
                    }
                }

                return events;
            },
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<StateKey, StoredEvent>> GetCurrentStateEventsAsync(
        string roomId, IReadOnlyCollection<StateKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return reads.ReadAsync<IReadOnlyDictionary<StateKey, StoredEvent>>(
            s =>
            {
                var found = new Dictionary<StateKey, StoredEvent>(keys.Count);
                foreach (var key in keys)
                {
                    using var r = s.Command(EventSelect + """
                         JOIN current_state c ON c.event_nid = e.event_nid AND c.room_nid = r.room_nid
                         JOIN state_keys k ON k.state_key_nid = c.state_key_nid
                        WHERE r.room_id = @r AND k.type = @t AND k.state_key = @k
                        """).With("@r", roomId).With("@t", key.Type).With("@k", key.Key).ExecuteReader();
                    if (r.Read())
                    {
                        found[key] = ReadEvent(r);
                    }
                }

                return found;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredEvent>> GetCurrentStateEventsOfTypeAsync(string roomId, string? type, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<StoredEvent>>(
            s =>
            {
                using var r = s.Command(EventSelect + """
                     JOIN current_state c ON c.event_nid = e.event_nid AND c.room_nid = r.room_nid
                     JOIN state_keys k ON k.state_key_nid = c.state_key_nid
                    WHERE r.room_id = @r AND (@t IS NULL OR k.type = @t)
                    ORDER BY k.type, k.state_key
                    """).With("@r", roomId).With("@t", type).ExecuteReader();
                var events = new List<StoredEvent>();
                while (r.Read())
                {
                    events.Add(ReadEvent(r));
                }

                return events;
            },
            cancellationToken);

    public Task<IReadOnlyList<RoomMembership>> GetRoomsForUserAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<RoomMembership>>(
            s =>
            {
                using var r = s.Command("""
                    SELECT r.room_id, e.membership, e.event_id
                    FROM state_keys k JOIN current_state c ON c.state_key_nid = k.state_key_nid
                    JOIN rooms r ON r.room_nid = c.room_nid JOIN events e ON e.event_nid = c.event_nid
                    WHERE k.type = 'm.room.member' AND k.state_key = @u AND e.membership IS NOT NULL
                    ORDER BY r.room_id
                    """).With("@u", userId).ExecuteReader();
                var rooms = new List<RoomMembership>();
                while (r.Read())
                {
                    rooms.Add(new RoomMembership(r.GetString(0), r.GetString(1), r.GetString(2)));
                }

                return rooms;
            },
            cancellationToken);

    public Task<string?> GetTransactionEventIdAsync(ClientTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return reads.ReadAsync(
            s => s.Command("""
                SELECT e.event_id FROM event_transactions t JOIN events e ON e.event_nid = t.event_nid
                WHERE t.user_id = @u AND t.device_id = @d AND t.room_id = @r AND t.txn_id = @t
                """).With("@u", transaction.UserId).With("@d", transaction.DeviceId).With("@r", transaction.RoomId)
                .With("@t", transaction.TransactionId).ExecuteScalar() as string,
            cancellationToken);
    }

    public Task<long> GetMaxStreamPositionAsync(CancellationToken cancellationToken = default) =>
        reads.ReadAsync(s => s.Command("SELECT pos FROM stream_counter WHERE id = 1").ScalarInt64(), cancellationToken);

    internal static StoredEvent ReadEvent(SqliteDataReader r) => new(
        EventNid: r.GetInt64(0),
        EventId: r.GetString(1),
        RoomId: r.GetString(2),
        Type: r.GetString(3),
        StateKey: r.GetStringOrNull(4),
        Sender: r.GetString(5),
        Depth: r.GetInt64(6),
        OriginServerTs: r.GetInt64(7),
        Status: (EventStatus)r.GetInt32(8),
        StreamPosition: r.GetInt64OrNull(9),
        // The text's bytes as stored: UTF-8, read without a string in between.
        Json: r.GetFieldValue<byte[]>(10));
}
