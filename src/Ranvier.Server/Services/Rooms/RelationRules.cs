using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Relations;
using Ranvier.Server.Http;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// The checks a server makes on a local client's new related event before sending it: a thread may not start from
/// an event that is itself related (spec: "Threading", "Validation of m.thread relationships": 400 M_UNKNOWN), and a
/// user may not send the same annotation twice (spec: "Avoiding duplicate annotations": 400 M_DUPLICATE_ANNOTATION).
/// </summary>
public sealed class RelationRules(RoomEventReader reader, IRoomRelationsStore relations)
{
    /// <summary>
    /// Throws a 400 <see cref="MatrixError"/> when the event may not be sent as it is. A retried transaction passes:
    /// the pipeline answers it with the event it created the first time.
    /// </summary>
    public async Task CheckAsync(string roomId, string sender, string type, JsonObject content, ClientTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (EventRelation.From(type, isState: false, content) is not { } relation
            || (transaction is not null && await reader.Store.GetTransactionEventIdAsync(transaction, cancellationToken).ConfigureAwait(false) is not null))
        {
            return;
        }

        if (relation.RelType == RelationTypes.Thread)
        {
            var parent = await reader.GetPduAsync(relation.EventId, cancellationToken).ConfigureAwait(false);
            if (parent is not null && parent.RoomId == roomId && EventRelation.From(parent.Type, parent.IsState, parent.Content) is not null)
            {
                throw new MatrixError(400, "M_UNKNOWN", "A thread cannot start from an event that itself relates to another event.");
            }
        }
        else if (relation.RelType == RelationTypes.Annotation
            && JsonNodeValues.GetString(((JsonObject)content["m.relates_to"]!)["key"]) is { } key
            && await relations.HasAnnotationAsync(relation.EventId, sender, type, key, cancellationToken).ConfigureAwait(false))
        {
            throw new MatrixError(400, "M_DUPLICATE_ANNOTATION", "You already sent this annotation for this event.");
        }
    }
}
