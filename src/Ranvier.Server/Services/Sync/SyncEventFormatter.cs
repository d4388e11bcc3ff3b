using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// Shapes stored events for one sync request: the client format of <see cref="ClientEventSerializer"/> without
/// <c>room_id</c> (the room is the enclosing key) or, with <c>event_format: federation</c>, the PDU as stored; then the
/// filter's <c>event_fields</c>. Timeline events sent by the requesting device carry <c>unsigned.transaction_id</c>
/// (spec: "Transaction identifiers").
/// </summary>
public sealed class SyncEventFormatter(ClientEventSerializer serializer, RoomEventReader reader, IRoomRelationsStore relations)
{
    /// <summary>Timeline events: previous content of state events, bundled aggregations, transaction IDs.</summary>
    public async Task<JsonArray> TimelineAsync(SyncRequest request, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        if (request.Filter.EventFormat == EventFormat.Federation)
        {
            return Project(request, await FederationAsync(events, cancellationToken).ConfigureAwait(false));
        }

        // Events are only written out from here, so those with nothing reader-specific are shaped once for every reader,
        // unless event_fields has to pick fields out of each.
        var options = ClientEventOptions.TimelineFor(request.UserId) with
        {
            OmitRoomId = true,
            PreShape = EventFieldProjection.For(request.Filter.EventFields) is null,
        };
        var json = await serializer.SerializeAsync(events, options, cancellationToken).ConfigureAwait(false);
        var own = events.Where(e => e.Sender == request.UserId).Select(e => e.EventNid).ToList();
        if (own.Count > 0)
        {
            var transactions = await reader.Store.GetTransactionIdsAsync(request.UserId, request.DeviceId, own, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < events.Count; i++)
            {
                if (transactions.TryGetValue(events[i].EventNid, out var txn) && json[i]?["unsigned"] is JsonObject unsigned)
                {
                    unsigned["transaction_id"] = txn;
                }
            }
        }

        return Project(request, json);
    }

    /// <summary>State events (no previous content: the client applies them as they are).</summary>
    public async Task<JsonArray> StateAsync(SyncRequest request, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        var json = request.Filter.EventFormat == EventFormat.Federation
            ? await FederationAsync(events, cancellationToken).ConfigureAwait(false)
            : await serializer.SerializeAsync(events, ClientEventOptions.State with { OmitRoomId = true }, cancellationToken).ConfigureAwait(false);
        return Project(request, json);
    }

    /// <summary>The events as PDUs (spec: Filter.event_format "federation"), redacted where a redaction applies.</summary>
    private async Task<JsonArray> FederationAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var redactions = await relations.GetRedactionsAsync([.. events.Select(e => e.EventId)], cancellationToken).ConfigureAwait(false);
        var result = new JsonArray();
        foreach (var stored in events)
        {
            var version = await reader.GetRoomVersionAsync(stored.RoomId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The room of stored event {stored.EventId} has no known version.");
            var pdu = RoomEventReader.ToPdu(stored, version);
            var redacted = redactions.TryGetValue(stored.EventId, out var redaction) && redaction.RoomId == stored.RoomId;
            result.Add((JsonNode)(redacted ? Redaction.Redact(pdu.Json, version) : (JsonObject)pdu.Json.DeepClone()));
        }

        return result;
    }

    /// <summary>Applies the filter's <c>event_fields</c> to every event of the list.</summary>
    public static JsonArray Project(SyncRequest request, JsonArray events)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(events);
        if (EventFieldProjection.For(request.Filter.EventFields) is not { } projection)
        {
            return events;
        }

        return new JsonArray([.. events.Select(e => (JsonNode)projection.Apply((JsonObject)e!))]);
    }
}
