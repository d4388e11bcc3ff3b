using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Presence;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API room creation (create_room.yaml), sending events (room_send.yaml, room_state.yaml) and reading
/// a room's state and events (rooms.yaml).
/// </summary>
internal static class RoomEndpoints
{
    /// <summary>The longest event type or state key accepted (the event as a whole is bounded at 65,536 bytes anyway).</summary>
    private const int MaxTypeLength = 255;

    public static void MapRoomEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/createRoom", CreateRoom).RequireAccessToken();
        client.MapPut("/rooms/{roomId}/send/{eventType}/{txnId}", Send).RequireAccessToken().AllowGuests();
        client.MapPut("/rooms/{roomId}/state/{eventType}", (string roomId, string eventType, HttpRequest request, RequestContext context, RanvierOptions options, RoomEventPipeline pipeline, CanonicalAliasRules aliasRules, CancellationToken ct) =>
            PutState(roomId, eventType, string.Empty, request, context, options, pipeline, aliasRules, ct)).RequireAccessToken();
        client.MapPut("/rooms/{roomId}/state/{eventType}/{stateKey}", PutState).RequireAccessToken();
        client.MapGet("/rooms/{roomId}/state/{eventType}", (string roomId, string eventType, string? format, RequestContext context, RoomReadAccess access, RoomEventReader reader, ClientEventSerializer serializer, CancellationToken ct) =>
            GetStateEvent(roomId, eventType, string.Empty, format, context, access, reader, serializer, ct)).RequireAccessToken().AllowGuests();
        client.MapGet("/rooms/{roomId}/state/{eventType}/{stateKey}", GetStateEvent).RequireAccessToken().AllowGuests();
        client.MapGet("/rooms/{roomId}/state", GetState).RequireAccessToken().AllowGuests();
        client.MapGet("/rooms/{roomId}/event/{eventId}", GetEvent).RequireAccessToken().AllowGuests();
    }

    /// <summary>POST /createRoom.</summary>
    private static async Task<JsonObject> CreateRoom(
        HttpRequest request, RequestContext context, RanvierOptions options, RoomCreationService rooms, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var roomId = await rooms.CreateAsync(context, body, cancellationToken);
        return new JsonObject { ["room_id"] = roomId };
    }

    /// <summary>PUT /rooms/{roomId}/send/{eventType}/{txnId}: a message event, idempotent per device and transaction ID.</summary>
    private static async Task<JsonObject> Send(
        string roomId, string eventType, string txnId, HttpRequest request, RequestContext context, RanvierOptions options,
        RoomEventPipeline pipeline, RedactionService redactions, RelationRules relationRules, PresenceService presence, CancellationToken cancellationToken)
    {
        CheckType(eventType);
        if (context.IsGuest && eventType != "m.room.message")
        {
            // Spec: "Guest access" lets guests send only m.room.message events.
            throw MatrixError.Forbidden("Guests may only send m.room.message events.");
        }

        var content = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var transaction = new ClientTransaction(context.UserId, context.DeviceId, roomId, txnId);
        var redacts = eventType == EventTypes.Redaction ? JsonFields.OptionalString(content, "redacts") : null;
        if (redacts is not null)
        {
            // Spec v1.18: redactions may be sent through /send too; they get the same checks as /redact.
            var redaction = await redactions.RedactAsync(context, roomId, redacts, content, transaction, cancellationToken);
            return new JsonObject { ["event_id"] = redaction.EventId };
        }

        await relationRules.CheckAsync(roomId, context.UserId, eventType, content, transaction, cancellationToken);
        var pdu = await pipeline.SendAsync(new EventDraft(roomId, eventType, null, context.UserId, content, redacts, transaction), cancellationToken);
        if (!context.IsGuest)
        {
            // Sending a message is the spec's example of a pro-active event ("Last active ago").
            await presence.MarkActiveAsync(context.UserId, cancellationToken);
        }

        return new JsonObject { ["event_id"] = pdu.EventId };
    }

    /// <summary>PUT /rooms/{roomId}/state/{eventType}/{stateKey}.</summary>
    private static async Task<JsonObject> PutState(
        string roomId, string eventType, string stateKey, HttpRequest request, RequestContext context, RanvierOptions options,
        RoomEventPipeline pipeline, CanonicalAliasRules aliasRules, CancellationToken cancellationToken)
    {
        CheckType(eventType);
        var content = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        if (eventType == EventTypes.CanonicalAlias && stateKey.Length == 0)
        {
            await aliasRules.CheckAsync(roomId, content, cancellationToken);
        }

        var pdu = await pipeline.SendAsync(new EventDraft(roomId, eventType, stateKey, context.UserId, content), cancellationToken);
        return new JsonObject { ["event_id"] = pdu.EventId };
    }

    /// <summary>GET /rooms/{roomId}/state/{eventType}/{stateKey}: the content, or the whole event with <c>format=event</c>.</summary>
    private static async Task<JsonObject> GetStateEvent(
        string roomId, string eventType, string stateKey, string? format, RequestContext context, RoomReadAccess access,
        RoomEventReader reader, ClientEventSerializer serializer, CancellationToken cancellationToken)
    {
        if (format is not (null or "content" or "event"))
        {
            throw MatrixError.InvalidParam("format must be \"content\" or \"event\".");
        }

        var key = new StateKey(eventType, stateKey);
        var view = await access.GetStateViewAsync(context, roomId, cancellationToken);
        StoredEvent? stored;
        if (view is null)
        {
            stored = (await reader.Store.GetCurrentStateEventsAsync(roomId, [key], cancellationToken)).GetValueOrDefault(key);
        }
        else
        {
            var state = await reader.Store.GetStateAtEventAsync(view.EventId, StatePoint.After, cancellationToken);
            stored = state is not null && state.TryGetValue(key, out var id) ? await reader.Store.GetEventAsync(id, cancellationToken) : null;
        }

        if (stored is null)
        {
            throw MatrixError.NotFound($"The room has no state event {eventType} with state key \"{stateKey}\".");
        }

        var json = await serializer.SerializeAsync(stored, ClientEventOptions.State, cancellationToken);
        return format == "event" ? json : (JsonObject)json["content"]!.DeepClone();
    }

    /// <summary>GET /rooms/{roomId}/state: every state event, as an array.</summary>
    private static async Task<JsonArray> GetState(
        string roomId, RequestContext context, RoomReadAccess access, RoomEventReader reader, ClientEventSerializer serializer, CancellationToken cancellationToken)
    {
        var view = await access.GetStateViewAsync(context, roomId, cancellationToken);
        IReadOnlyList<StoredEvent> events;
        if (view is null)
        {
            events = await reader.Store.GetCurrentStateEventsOfTypeAsync(roomId, null, cancellationToken);
        }
        else
        {
            var state = await reader.Store.GetStateAtEventAsync(view.EventId, StatePoint.After, cancellationToken) ?? new Dictionary<StateKey, string>();
            events = await reader.Store.GetEventsByIdAsync(state.Values.ToList(), cancellationToken);
        }

        return await serializer.SerializeAsync(events, ClientEventOptions.State, cancellationToken);
    }

    /// <summary>GET /rooms/{roomId}/event/{eventId}: one event of a room the user can read.</summary>
    private static async Task<JsonObject> GetEvent(
        string roomId, string eventId, RequestContext context, RoomReadAccess access, RoomEventReader reader,
        EventVisibility visibility, ClientEventSerializer serializer, CancellationToken cancellationToken)
    {
        await access.GetStateViewAsync(context, roomId, cancellationToken);
        var stored = await reader.Store.GetEventAsync(eventId, cancellationToken);
        if (stored is null || stored.RoomId != roomId || !await visibility.CanSeeAsync(context.UserId, stored, cancellationToken))
        {
            throw MatrixError.NotFound("Event not found.");
        }

        return await serializer.SerializeAsync(stored, ClientEventOptions.TimelineFor(context.UserId), cancellationToken);
    }

    private static void CheckType(string eventType)
    {
        if (eventType.Length is 0 or > MaxTypeLength)
        {
            throw MatrixError.InvalidParam("The event type must be 1 to 255 characters.");
        }
    }
}
