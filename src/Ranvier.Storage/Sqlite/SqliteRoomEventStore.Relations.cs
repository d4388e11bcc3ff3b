using Ranvier.Protocol.Events;
using Ranvier.Protocol.Relations;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>The redaction and relation indexes, written with the event they come from (read by <see cref="SqliteRelationsStore"/>).</summary>
internal sealed partial class SqliteRoomEventStore
{
    /// <summary>
    /// Records an accepted redaction under its target, and an accepted message event's relation under its parent.
    /// Only accepted events count: a soft-failed or rejected event must not change how other events are served.
    /// </summary>
    private static Annotations IndexRedactionAndRelation(SqliteSession s, EventToPersist request, long roomNid, long eventNid)
    {
        if (request.Status != EventStatus.Accepted)
        {
            return default;
        }

        string? redacts = null;
        string? relatesTo = null;

        var pdu = request.Event;
        if (pdu.Type == EventTypes.Redaction && pdu.Redacts is { } target)
        {
            s.Command("INSERT INTO event_redactions (target_event_id, redaction_nid) VALUES (@t, @n)")
                .With("@t", target).With("@n", eventNid).ExecuteNonQuery();
            redacts = target;
        }

        if (EventRelation.From(pdu.Type, pdu.IsState, pdu.Content) is { } relation)
        {
            s.Command("INSERT INTO event_relations (event_nid, room_nid, relates_to_id, rel_type, type, sender) VALUES (@n, @r, @p, @rt, @t, @s)")
                .With("@n", eventNid).With("@r", roomNid).With("@p", relation.EventId).With("@rt", relation.RelType)
                .With("@t", pdu.Type).With("@s", pdu.Sender).ExecuteNonQuery();
            relatesTo = relation.EventId;
        }

        return new Annotations(redacts, relatesTo);
    }

    /// <summary>Whether a redaction or relation of the event is stored (it can come before the event over federation).</summary>
    private static bool IsAnnotated(SqliteSession s, string eventId) =>
        s.Command("""
            SELECT EXISTS (SELECT 1 FROM event_redactions WHERE target_event_id = @id)
                OR EXISTS (SELECT 1 FROM event_relations WHERE relates_to_id = @id)
            """).With("@id", eventId).ScalarInt64() == 1;
}
