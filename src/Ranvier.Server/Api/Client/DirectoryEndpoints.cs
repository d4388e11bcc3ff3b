using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API room aliases (directory.yaml) and room visibility in the published room directory
/// (list_public_rooms.yaml, /directory/list/room). Resolving an alias and reading a visibility need no access token.
/// </summary>
internal static class DirectoryEndpoints
{
    public static void MapDirectoryEndpoints(this RouteGroupBuilder client)
    {
        client.MapPut("/directory/room/{roomAlias}", SetAlias).RequireAccessToken();
        client.MapGet("/directory/room/{roomAlias}", GetAlias);
        client.MapDelete("/directory/room/{roomAlias}", DeleteAlias).RequireAccessToken();
        client.MapGet("/rooms/{roomId}/aliases", ListAliases).RequireAccessToken();
        client.MapGet("/directory/list/room/{roomId}", GetVisibility);
        client.MapPut("/directory/list/room/{roomId}", SetVisibility).RequireAccessToken();
    }

    /// <summary>PUT /directory/room/{roomAlias}.</summary>
    private static async Task<EmptyResponse> SetAlias(
        string roomAlias, HttpRequest request, RequestContext context, RanvierOptions options, RoomAliasService aliases, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await aliases.CreateAsync(context, roomAlias, JsonFields.RequiredString(body, "room_id"), cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>GET /directory/room/{roomAlias}: the room and the servers that know it (only this one, without federation).</summary>
    private static async Task<JsonObject> GetAlias(string roomAlias, RanvierOptions options, RoomAliasService aliases, CancellationToken cancellationToken)
    {
        var roomId = await aliases.ResolveAsync(roomAlias, cancellationToken);
        return new JsonObject { ["room_id"] = roomId, ["servers"] = new JsonArray(options.ServerName) };
    }

    /// <summary>DELETE /directory/room/{roomAlias}.</summary>
    private static async Task<EmptyResponse> DeleteAlias(string roomAlias, RequestContext context, RoomAliasService aliases, CancellationToken cancellationToken)
    {
        await aliases.DeleteAsync(context, roomAlias, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>GET /rooms/{roomId}/aliases.</summary>
    private static async Task<JsonObject> ListAliases(string roomId, RequestContext context, RoomAliasService aliases, CancellationToken cancellationToken)
    {
        var list = await aliases.ListAsync(context, roomId, cancellationToken);
        return new JsonObject { ["aliases"] = new JsonArray(list.Select(a => (JsonNode)a).ToArray()) };
    }

    /// <summary>GET /directory/list/room/{roomId}.</summary>
    private static async Task<JsonObject> GetVisibility(string roomId, RoomDirectoryService directory, CancellationToken cancellationToken) =>
        new() { ["visibility"] = await directory.GetVisibilityAsync(roomId, cancellationToken) };

    /// <summary>PUT /directory/list/room/{roomId}: visibility defaults to "public" (list_public_rooms.yaml).</summary>
    private static async Task<EmptyResponse> SetVisibility(
        string roomId, HttpRequest request, RequestContext context, RanvierOptions options, RoomDirectoryService directory, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await directory.SetVisibilityAsync(context, roomId, JsonFields.OptionalString(body, "visibility") ?? "public", cancellationToken);
        return EmptyResponse.Instance;
    }
}
