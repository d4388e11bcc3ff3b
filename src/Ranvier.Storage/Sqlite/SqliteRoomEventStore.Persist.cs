using Microsoft.Data.Sqlite;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>The write path: one event, everything it touches, in the caller's savepoint of a group-commit transaction.</summary>
internal sealed partial class SqliteRoomEventStore
{
    private const int PrevEdge = 0;
    private const int AuthEdge = 1;

    public async Task<PersistedEvent> PersistEventAsync(EventToPersist request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hasState = request.Status is EventStatus.Accepted or EventStatus.SoftFailed;
        if (hasState && request.StateBefore is null)
        {
            throw new ArgumentException($"A {request.Status} event needs the state before it.", nameof(request));
        }

        var written = await writes.ExecuteAsync(s => Persist(s, request, hasState), written => Committed(request, written), cancellationToken)
            .ConfigureAwait(false);
        return written.Event;
    }

    /// <summary>
    /// What a persist wrote, for the views of committed data: whether redactions or relations of the event were
    /// already stored (they can arrive first over federation), and the event it redacts or relates to, if any.
    /// </summary>
    private sealed record Written(PersistedEvent Event, bool Annotated, Annotations Annotates);

    /// <summary>Once committed, the event's targets are marked as annotated and a syncable event joins its room's tail of recent events.</summary>
    private void Committed(EventToPersist request, Written written)
    {
        recent.Annotated(written.Annotates);
        if (written.Event.StreamPosition is not { } position)
        {
            return;
        }

        var pdu = request.Event;
        recent.Committed(
            new StoredEvent(
                written.Event.EventNid, pdu.EventId, pdu.RoomId, pdu.Type, pdu.StateKey, pdu.Sender, pdu.Depth, pdu.OriginServerTs, request.Status,
                position, request.CanonicalJson),
            written.Annotated);
    }

    private Written Persist(SqliteSession s, EventToPersist request, bool hasState)
    {
        var pdu = request.Event;
        // An event stored already fails on the unique event ID when it is inserted (InsertEvent), before anything
        // of it is kept: the item's savepoint undoes what came before.
        var roomNid = GetOrCreateRoom(s, pdu.RoomId, request.RoomVersion.Id);

        // Accepted events that are new to the room are syncable. Backfilled history, outliers, rejected and
        // soft-failed events are not; the position comes from the counter row, so a rollback returns it.
        var syncable = request.Status == EventStatus.Accepted && !request.Backfilled;
        long? streamPos = syncable
            ? s.Command("UPDATE stream_counter SET pos = pos + 1 WHERE id = 1 RETURNING pos").ScalarInt64()
            : null;

        long? stateBefore = hasState ? StoreState(s, roomNid, request.StateBefore!) : null;
        var eventNid = InsertEvent(s, request, roomNid, streamPos, stateBefore);
        var annotates = IndexRedactionAndRelation(s, request, roomNid, eventNid);
        var annotated = syncable && !request.BuiltHere && IsAnnotated(s, pdu.EventId);
        if (request.Transaction is { } txn)
        {
            InsertTransaction(s, txn, eventNid);
        }

        var prevNids = InsertEdges(s, eventNid, PrevEdge, pdu.PrevEvents);
        InsertEdges(s, eventNid, AuthEdge, pdu.AuthEvents);
        // No stored event can name one built here just now: nobody has seen its ID yet.
        var hasAcceptedChild = !request.BuiltHere && ResolveEdgesTo(s, pdu.EventId, eventNid);

        long? stateAfter = stateBefore;
        (long Key, long EventNid)? ownEntry = null;
        if (stateBefore is { } before && pdu.StateKey is { } stateKey)
        {
            var keyNid = SqliteStateGroups.InternStateKey(s, new StateKey(pdu.Type, stateKey));
            ownEntry = (keyNid, eventNid);
            stateAfter = _stateGroups.Create(s, roomNid, before, new Dictionary<long, long?> { [keyNid] = eventNid });
            s.Command("UPDATE events SET state_after_group = @g WHERE event_nid = @n").With("@g", stateAfter).With("@n", eventNid).ExecuteNonQuery();
        }

        if (syncable && request.Push is { } push)
        {
            SqlitePushActionStore.Record(s, push, pdu.Sender, eventNid, roomNid, streamPos!.Value);
        }

        if (syncable)
        {
            UpdateForwardExtremities(s, roomNid, eventNid, prevNids, hasAcceptedChild);
            if (request.CurrentStateAfter is { } resolved)
            {
                UpdateCurrentState(s, roomNid, StoreState(s, roomNid, resolved), ownEntry: null);
            }
            else
            {
                UpdateCurrentState(s, roomNid, stateAfter!.Value, ownEntry, stateBefore);
            }
        }

        return new Written(new PersistedEvent(eventNid, streamPos), annotated, annotates);
    }

    private static long GetOrCreateRoom(SqliteSession s, string roomId, string roomVersion)
    {
        using (var r = s.Command("SELECT room_nid, room_version FROM rooms WHERE room_id = @r").With("@r", roomId).ExecuteReader())
        {
            if (r.Read())
            {
                var stored = r.GetString(1);
                return stored == roomVersion
                    ? r.GetInt64(0)
                    : throw new StorageException($"The room {roomId} is stored with room version {stored}, not {roomVersion}.");
            }
        }

        return s.Command("INSERT INTO rooms (room_id, room_version) VALUES (@r, @v) RETURNING room_nid")
            .With("@r", roomId).With("@v", roomVersion).ScalarInt64();
    }

    private static long? FindEventNid(SqliteSession s, string eventId) =>
        s.Command("SELECT event_nid FROM events WHERE event_id = @id").With("@id", eventId).ScalarInt64OrNull();

    private static long InsertEvent(SqliteSession s, EventToPersist request, long roomNid, long? streamPos, long? stateBefore)
    {
        var pdu = request.Event;
        try
        {
            // state_after_group starts equal to the state before; a state event moves it past itself below.
            var nid = s.Command("""
                INSERT INTO events (event_id, room_nid, type, state_key, sender, depth, origin_server_ts, status,
                                    stream_pos, state_before_group, state_after_group, membership)
                VALUES (@id, @r, @t, @k, @s, @d, @ts, @st, @p, @g, @g, @m)
                RETURNING event_nid
                """)
                .With("@id", pdu.EventId).With("@r", roomNid).With("@t", pdu.Type).With("@k", pdu.StateKey).With("@m", MembershipOf(pdu))
                .With("@s", pdu.Sender).With("@d", pdu.Depth).With("@ts", pdu.OriginServerTs).With("@st", (int)request.Status)
                .With("@p", streamPos).With("@g", stateBefore).ScalarInt64();
            s.Command("INSERT INTO event_json (event_nid, json) VALUES (@n, CAST(@j AS TEXT))").With("@n", nid).With("@j", request.CanonicalJson).ExecuteNonQuery();
            return nid;
        }
        catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"The event {pdu.EventId} is already stored.", e);
        }
    }

    /// <summary>content.membership of a member event (null for other events, or when it is not a string).</summary>
    private static string? MembershipOf(Pdu pdu) =>
        pdu.Type == EventTypes.Member && pdu.StateKey is not null ? JsonNodeValues.GetString(pdu.Content, "membership") : null;

    private static void InsertTransaction(SqliteSession s, ClientTransaction txn, long eventNid)
    {
        try
        {
            s.Command("INSERT INTO event_transactions (user_id, device_id, room_id, txn_id, event_nid) VALUES (@u, @d, @r, @t, @n)")
                .With("@u", txn.UserId).With("@d", txn.DeviceId).With("@r", txn.RoomId).With("@t", txn.TransactionId).With("@n", eventNid)
                .ExecuteNonQuery();
        }
        catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
        {
            throw new TransactionConflictException($"The transaction {txn.TransactionId} of {txn.UserId}/{txn.DeviceId} already created an event.", e);
        }
    }

    /// <summary>
    /// Stores the edges of one kind in one statement (each target looked up by its event ID; an unknown one is kept by
    /// ID until it arrives); returns the nids of the targets already known.
    /// </summary>
    private static List<long> InsertEdges(SqliteSession s, long eventNid, int kind, IReadOnlyList<string> targets)
    {
        var known = new List<long>(targets.Count);
        if (targets.Count == 0)
        {
            return known;
        }

        using var r = s.Command("""
            INSERT INTO event_edges (event_nid, kind, target_nid, missing_event_id)
            SELECT @n, @k, e.event_nid, CASE WHEN e.event_nid IS NULL THEN t.value END
            FROM json_each(CAST(@targets AS TEXT)) t LEFT JOIN events e ON e.event_id = t.value
            RETURNING target_nid
            """).With("@n", eventNid).With("@k", kind).With("@targets", JsonText.Utf8ArrayOf(targets)).ExecuteReader();
        while (r.Read())
        {
            if (!r.IsDBNull(0))
            {
                known.Add(r.GetInt64(0));
            }
        }

        return known;
    }

    /// <summary>
    /// Points edges that named this event before it was stored at its nid. Returns whether an accepted event
    /// already lists it as a prev_event (then it is not a forward extremity).
    /// </summary>
    private static bool ResolveEdgesTo(SqliteSession s, string eventId, long eventNid)
    {
        var children = new List<long>();
        using (var r = s.Command("UPDATE event_edges SET target_nid = @n, missing_event_id = NULL WHERE missing_event_id = @id RETURNING event_nid, kind")
            .With("@n", eventNid).With("@id", eventId).ExecuteReader())
        {
            while (r.Read())
            {
                if (r.GetInt32(1) == PrevEdge)
                {
                    children.Add(r.GetInt64(0));
                }
            }
        }

        return children.Exists(child =>
            s.Command("SELECT status FROM events WHERE event_nid = @n").With("@n", child).ScalarInt64() == (long)EventStatus.Accepted);
    }

    /// <summary>Stores a state given as input and returns its group (a delta with no changes reuses the base's group).</summary>
    private long StoreState(SqliteSession s, long roomNid, StateInput input)
    {
        switch (input)
        {
            case StateInput.Delta delta:
                var baseGroup = s.Command("SELECT state_after_group FROM events WHERE event_id = @id AND room_nid = @r")
                    .With("@id", delta.BaseEventId).With("@r", roomNid).ScalarInt64OrNull()
                    ?? throw new StorageException($"The state base {delta.BaseEventId} is not a stored event of this room with known state.");
                if (delta.Changes.Count == 0)
                {
                    return baseGroup;
                }

                var changes = new Dictionary<long, long?>(delta.Changes.Count);
                foreach (var (key, eventId) in delta.Changes)
                {
                    changes[SqliteStateGroups.InternStateKey(s, key)] = eventId is null ? null : RequireEventNid(s, eventId);
                }

                return _stateGroups.Create(s, roomNid, baseGroup, changes);

            case StateInput.Full full:
                var state = new Dictionary<long, long?>(full.State.Count);
                foreach (var (key, eventId) in full.State)
                {
                    state[SqliteStateGroups.InternStateKey(s, key)] = RequireEventNid(s, eventId);
                }

                return _stateGroups.Create(s, roomNid, baseGroup: null, state);

            default:
                throw new ArgumentException("Unknown state input.", nameof(input));
        }
    }

    private static long RequireEventNid(SqliteSession s, string eventId) =>
        FindEventNid(s, eventId) ?? throw new StorageException($"The state names the event {eventId}, which is not stored.");

    private static void UpdateForwardExtremities(SqliteSession s, long roomNid, long eventNid, List<long> prevNids, bool hasAcceptedChild)
    {
        foreach (var prev in prevNids)
        {
            s.Command("DELETE FROM forward_extremities WHERE room_nid = @r AND event_nid = @n").With("@r", roomNid).With("@n", prev).ExecuteNonQuery();
        }

        if (!hasAcceptedChild)
        {
            s.Command("INSERT INTO forward_extremities (room_nid, event_nid) VALUES (@r, @n)").With("@r", roomNid).With("@n", eventNid).ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Makes current_state equal to the <paramref name="target"/> group: the state after the new event, or the
    /// resolved state the caller gave. Usually the room's current group is the event's state before, and only the
    /// event's own entry (if any) changes; otherwise the stored current state and the target are diffed.
    /// </summary>
    private static void UpdateCurrentState(SqliteSession s, long roomNid, long target, (long Key, long EventNid)? ownEntry, long? stateBefore = null)
    {
        var current = s.Command("SELECT current_state_group FROM rooms WHERE room_nid = @r").With("@r", roomNid).ScalarInt64OrNull();
        if (current == target)
        {
            return;
        }

        var changes = new Dictionary<long, long?>();
        if (stateBefore is not null && current == stateBefore)
        {
            // The fast path: the room was at this event's state before, so only the event's own entry changes.
            if (ownEntry is { } own)
            {
                changes[own.Key] = own.EventNid;
            }
        }
        else
        {
            var targetState = SqliteStateGroups.LoadNids(s, target);
            var existing = new Dictionary<long, long>();
            using (var r = s.Command("SELECT state_key_nid, event_nid FROM current_state WHERE room_nid = @r").With("@r", roomNid).ExecuteReader())
            {
                while (r.Read())
                {
                    existing.Add(r.GetInt64(0), r.GetInt64(1));
                }
            }

            foreach (var key in existing.Keys.Where(k => !targetState.ContainsKey(k)))
            {
                changes[key] = null;
            }

            foreach (var (key, eventNid) in targetState.Where(kv => !existing.TryGetValue(kv.Key, out var e) || e != kv.Value))
            {
                changes[key] = eventNid;
            }
        }

        foreach (var (key, eventNid) in changes)
        {
            if (eventNid is { } e)
            {
                s.Command("INSERT INTO current_state (room_nid, state_key_nid, event_nid) VALUES (@r, @k, @e) ON CONFLICT (room_nid, state_key_nid) DO UPDATE SET event_nid = excluded.event_nid")
                    .With("@r", roomNid).With("@k", key).With("@e", e).ExecuteNonQuery();
            }
            else
            {
                s.Command("DELETE FROM current_state WHERE room_nid = @r AND state_key_nid = @k").With("@r", roomNid).With("@k", key).ExecuteNonQuery();
            }
        }

        s.Command("UPDATE rooms SET current_state_group = @g WHERE room_nid = @r").With("@g", target).With("@r", roomNid).ExecuteNonQuery();
    }
}
