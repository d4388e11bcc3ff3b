using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API "Getting events for a room" (message_pagination.yaml, event_context.yaml,
/// timestamp_to_event.yaml). Query parameters are read as strings so a malformed one is 400 M_INVALID_PARAM.
/// </summary>
internal static class RoomTimelineEndpoints
{
    private const int DefaultLimit = 10;

    /// <summary>The most events one request returns, whatever limit it asks for.</summary>
    private const int MaxLimit = 1_000;

    public static void MapRoomTimelineEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/rooms/{roomId}/messages", Messages).RequireAccessToken().AllowGuests();
        client.MapGet("/rooms/{roomId}/context/{eventId}", Context).RequireAccessToken().AllowGuests();
    }

    public static void MapRoomTimelineV1Endpoints(this RouteGroupBuilder clientV1) =>
        clientV1.MapGet("/rooms/{roomId}/timestamp_to_event", TimestampToEvent).RequireAccessToken().AllowGuests();

    /// <summary>GET /rooms/{roomId}/messages: a page of the timeline in either direction.</summary>
    private static async Task<JsonObject> Messages(
        string roomId, string? dir, string? from, string? to, string? limit, string? filter, RequestContext context,
        RoomTimeline timeline, ClientEventSerializer serializer, CancellationToken cancellationToken)
    {
        var direction = Direction(dir);
        var page = await timeline.GetMessagesAsync(
            context, roomId, direction, from is null ? null : TimelineToken.Parse(from, "from"), to is null ? null : TimelineToken.Parse(to, "to"),
            Limit(limit), Filter(filter), cancellationToken);
        var json = new JsonObject
        {
            ["chunk"] = await serializer.SerializeAsync(page.Chunk, ClientEventOptions.Timeline, cancellationToken),
            ["start"] = page.Start.ToString(),
        };
        if (page.End is { } end)
        {
            json["end"] = end.ToString();
        }

        if (page.State.Count > 0)
        {
            json["state"] = await serializer.SerializeAsync(page.State, ClientEventOptions.State, cancellationToken);
        }

        return json;
    }

    /// <summary>GET /rooms/{roomId}/context/{eventId}: an event with the events and state around it.</summary>
    private static async Task<JsonObject> Context(
        string roomId, string eventId, string? limit, string? filter, RequestContext context, RoomTimeline timeline,
        ClientEventSerializer serializer, CancellationToken cancellationToken)
    {
        var result = await timeline.GetContextAsync(context, roomId, eventId, Limit(limit), Filter(filter), cancellationToken);
        return new JsonObject
        {
            ["event"] = await serializer.SerializeAsync(result.Event, ClientEventOptions.Timeline, cancellationToken),
            ["events_before"] = await serializer.SerializeAsync(result.Before, ClientEventOptions.Timeline, cancellationToken),
            ["events_after"] = await serializer.SerializeAsync(result.After, ClientEventOptions.Timeline, cancellationToken),
            ["start"] = result.Start.ToString(),
            ["end"] = result.End.ToString(),
            ["state"] = await serializer.SerializeAsync(result.State, ClientEventOptions.State, cancellationToken),
        };
    }

    /// <summary>GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event: the event nearest a point in time.</summary>
    private static async Task<JsonObject> TimestampToEvent(
        string roomId, string? ts, string? dir, RequestContext context, RoomTimeline timeline, CancellationToken cancellationToken)
    {
        if (ts is null)
        {
            throw MatrixError.MissingParam("ts is required.");
        }

        if (!long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            throw MatrixError.InvalidParam("ts must be a timestamp in milliseconds.");
        }

        var stored = await timeline.GetEventByTimestampAsync(context, roomId, timestamp, Direction(dir), cancellationToken);
        return new JsonObject { ["event_id"] = stored.EventId, ["origin_server_ts"] = stored.OriginServerTs };
    }

    private static PaginationDirection Direction(string? dir) => dir switch
    {
        "b" => PaginationDirection.Backwards,
        "f" => PaginationDirection.Forwards,
        null => throw MatrixError.MissingParam("dir is required."),
        _ => throw MatrixError.InvalidParam("dir must be \"b\" or \"f\"."),
    };

    private static int Limit(string? limit)
    {
        if (limit is null)
        {
            return DefaultLimit;
        }

        if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            // Very large numbers are still numbers: capped below rather than refused.
            return long.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? MaxLimit
                : throw MatrixError.InvalidParam("limit must be a non-negative integer.");
        }

        return Math.Min(value, MaxLimit);
    }

    /// <summary>The <c>filter</c> parameter: a RoomEventFilter as JSON (spec: message_pagination.yaml).</summary>
    private static RoomEventFilter Filter(string? filter)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return new RoomEventFilter();
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(filter);
        }
        catch (JsonException)
        {
            throw MatrixError.InvalidParam("filter is not valid JSON.");
        }

        return json is JsonObject obj ? FilterParser.ParseRoomEventFilter(obj) : throw MatrixError.InvalidParam("filter must be a JSON object.");
    }
}
