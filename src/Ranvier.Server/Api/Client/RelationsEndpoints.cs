using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API event relationships (relations.yaml) and the threads list (threads_list.yaml), both under /v1.</summary>
internal static class RelationsEndpoints
{
    /// <summary>The page size when the client names none.</summary>
    private const int DefaultLimit = 20;

    public static void MapRelationsEndpoints(this RouteGroupBuilder clientV1)
    {
        clientV1.MapGet("/rooms/{roomId}/relations/{eventId}", (string roomId, string eventId, HttpRequest request, RequestContext context, RelationsService relations, CancellationToken ct) =>
            GetRelations(roomId, eventId, null, null, request, context, relations, ct)).RequireAccessToken().AllowGuests();
        clientV1.MapGet("/rooms/{roomId}/relations/{eventId}/{relType}", (string roomId, string eventId, string relType, HttpRequest request, RequestContext context, RelationsService relations, CancellationToken ct) =>
            GetRelations(roomId, eventId, relType, null, request, context, relations, ct)).RequireAccessToken().AllowGuests();
        clientV1.MapGet("/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}", GetRelations).RequireAccessToken().AllowGuests();
        clientV1.MapGet("/rooms/{roomId}/threads", GetThreads).RequireAccessToken().AllowGuests();
    }

    /// <summary>GET /rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]] with from, to, limit, dir and recurse.</summary>
    private static Task<JsonObject> GetRelations(
        string roomId, string eventId, string? relType, string? eventType, HttpRequest request, RequestContext context, RelationsService relations,
        CancellationToken cancellationToken)
    {
        var query = request.Query;
        var forward = query["dir"].ToString() switch
        {
            "" or "b" => false,
            "f" => true,
            _ => throw MatrixError.InvalidParam("dir must be \"b\" or \"f\"."),
        };
        bool? recurse = query["recurse"].ToString() switch
        {
            "" => null,
            "true" => true,
            "false" => false,
            _ => throw MatrixError.InvalidParam("recurse must be true or false."),
        };
        var parameters = new RelationsRequest(roomId, eventId, relType, eventType,
            TopologicalToken.Parse(Optional(query["from"]), "from"), TopologicalToken.Parse(Optional(query["to"]), "to"),
            Limit(Optional(query["limit"])), forward, recurse);
        return relations.GetRelationsAsync(context, parameters, cancellationToken);
    }

    /// <summary>GET /rooms/{roomId}/threads with include (all|participated), from and limit.</summary>
    private static Task<JsonObject> GetThreads(
        string roomId, string? include, string? from, string? limit, RequestContext context, RelationsService relations, CancellationToken cancellationToken)
    {
        var participated = include switch
        {
            null or "all" => false,
            "participated" => true,
            _ => throw MatrixError.InvalidParam("include must be \"all\" or \"participated\"."),
        };
        return relations.GetThreadsAsync(context, roomId, participated, TopologicalToken.Parse(from, "from"), Limit(limit), cancellationToken);
    }

    private static string? Optional(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 ? null : value.ToString();

    /// <summary>A positive limit, capped at <see cref="RelationsService.MaxLimit"/>.</summary>
    private static int Limit(string? value)
    {
        if (value is null)
        {
            return DefaultLimit;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? Math.Min(limit, RelationsService.MaxLimit)
            : throw MatrixError.InvalidParam("limit must be a positive integer.");
    }
}
