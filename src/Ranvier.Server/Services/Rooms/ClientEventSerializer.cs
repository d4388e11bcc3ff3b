using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>How an event is shaped for a client (spec: client-server API, "Room event format" / ClientEvent).</summary>
public sealed record ClientEventOptions
{
    /// <summary>Adds <c>unsigned.prev_content</c> / <c>prev_sender</c> / <c>replaces_state</c> to state events (one state lookup each).</summary>
    public bool IncludePrevContent { get; init; }

    /// <summary>Leaves out <c>room_id</c> (the sync format, where the room is the enclosing key).</summary>
    public bool OmitRoomId { get; init; }

    public static ClientEventOptions Timeline { get; } = new() { IncludePrevContent = true };

    public static ClientEventOptions State { get; } = new();
}

/// <summary>
/// Turns stored events into the JSON clients receive: the client-visible fields of the PDU and an
/// <c>unsigned</c> block computed at read time (age, previous state). One place, so every read path (event,
/// state, members, messages, context, relations, sync) serves events the same way.
/// </summary>
public sealed class ClientEventSerializer(RoomEventReader reader, TimeProvider time)
{
    /// <summary>Serializes events of one room, in the order given.</summary>
    public async Task<JsonArray> SerializeAsync(IReadOnlyList<StoredEvent> events, ClientEventOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        var array = new JsonArray();
        foreach (var stored in events)
        {
            array.Add(await SerializeAsync(stored, options, cancellationToken).ConfigureAwait(false));
        }

        return array;
    }

    /// <summary>Serializes one stored event.</summary>
    public async Task<JsonObject> SerializeAsync(StoredEvent stored, ClientEventOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(options);
        var version = await reader.GetRoomVersionAsync(stored.RoomId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The room of stored event {stored.EventId} has no known version.");
        var pdu = RoomEventReader.ToPdu(stored, version);
        var json = Shape(pdu, version, options);
        var unsigned = (JsonObject)json["unsigned"]!;
        if (options.IncludePrevContent && pdu.StateKey is not null)
        {
            await AddPreviousStateAsync(unsigned, pdu, cancellationToken).ConfigureAwait(false);
        }

        return json;
    }

    /// <summary>The client-visible fields of an event (no hashes, signatures or DAG fields), with <c>unsigned.age</c>.</summary>
    public JsonObject Shape(Pdu pdu, RoomVersion version, ClientEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(options);
        var json = new JsonObject
        {
            ["type"] = pdu.Type,
            ["event_id"] = pdu.EventId,
            ["sender"] = pdu.Sender,
            ["origin_server_ts"] = pdu.OriginServerTs,
            ["content"] = pdu.Content.DeepClone(),
        };
        if (!options.OmitRoomId)
        {
            json["room_id"] = pdu.RoomId;
        }

        if (pdu.StateKey is not null)
        {
            json["state_key"] = pdu.StateKey;
        }

        // From v11 "redacts" lives in content; clients written for older rooms still read the top-level key
        // (spec: m.room.redaction, "for backwards compatibility").
        if (pdu.Redacts is not null)
        {
            json["redacts"] = pdu.Redacts;
        }

        json["unsigned"] = new JsonObject { ["age"] = Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds() - pdu.OriginServerTs) };
        return json;
    }

    private async Task AddPreviousStateAsync(JsonObject unsigned, Pdu pdu, CancellationToken cancellationToken)
    {
        var before = await reader.Store.GetStateAtEventAsync(pdu.EventId, StatePoint.Before, cancellationToken).ConfigureAwait(false);
        if (before is null || !before.TryGetValue(new StateKey(pdu.Type, pdu.StateKey!), out var previousId))
        {
            return;
        }

        var previous = await reader.GetPduAsync(previousId, cancellationToken).ConfigureAwait(false);
        if (previous is not null)
        {
            unsigned["replaces_state"] = previous.EventId;
            unsigned["prev_content"] = previous.Content.DeepClone();
            unsigned["prev_sender"] = previous.Sender;
        }
    }
}
