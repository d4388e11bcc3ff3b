using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// The stripped state an invited or knocking user is shown (spec: client-server API, "Stripped state"): the
/// recommended state events of the room as of their member event — type, state_key, sender and content only — and
/// the member event itself.
/// </summary>
public sealed class StrippedState(IRoomEventStore store)
{
    /// <summary>The state the spec recommends servers include.</summary>
    private static readonly string[] Types =
    [
        EventTypes.Create, EventTypes.Name, "m.room.avatar", EventTypes.Topic, EventTypes.JoinRules, EventTypes.CanonicalAlias,
        EventTypes.Encryption,
    ];

    /// <summary>The stripped state events for the room of <paramref name="memberEvent"/>, the member event last.</summary>
    public async Task<JsonArray> ForAsync(StoredEvent memberEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberEvent);
        var state = await store.GetStateAtEventAsync(memberEvent.EventId, StatePoint.Before, cancellationToken).ConfigureAwait(false)
            ?? new Dictionary<StateKey, string>();
        var ids = Types.Select(t => state.GetValueOrDefault(new StateKey(t, string.Empty))).OfType<string>().ToList();
        var events = await store.GetEventsByIdAsync(ids, cancellationToken).ConfigureAwait(false);
        var stripped = new JsonArray();
        foreach (var stored in events.Append(memberEvent))
        {
            stripped.Add((JsonNode)Strip(stored));
        }

        return stripped;
    }

    private static JsonObject Strip(StoredEvent stored)
    {
        var json = JsonNode.Parse(stored.Json.Span)!.AsObject();
        return new JsonObject
        {
            ["type"] = stored.Type,
            ["state_key"] = stored.StateKey,
            ["sender"] = stored.Sender,
            ["content"] = json["content"]?.DeepClone() ?? new JsonObject(),
        };
    }
}
