using System.Globalization;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API listing of the published room directory (list_public_rooms.yaml): GET /publicRooms needs no
/// access token, POST /publicRooms (with a filter) does.
/// </summary>
internal static class PublicRoomsEndpoints
{
    public static void MapPublicRoomsEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/publicRooms", GetPublicRooms);
        client.MapPost("/publicRooms", QueryPublicRooms).RequireAccessToken();
    }

    /// <summary>GET /publicRooms?limit&amp;since&amp;server.</summary>
    private static Task<JsonObject> GetPublicRooms(string? limit, string? since, string? server, RoomDirectoryService directory, CancellationToken cancellationToken)
    {
        int? parsedLimit = null;
        if (limit is not null)
        {
            parsedLimit = int.TryParse(limit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw MatrixError.InvalidParam("limit must be an integer.");
        }

        return directory.ListAsync(new PublicRoomsRequest(parsedLimit, since, server), cancellationToken);
    }

    /// <summary>POST /publicRooms?server with limit, since, filter, include_all_networks, third_party_instance_id.</summary>
    private static async Task<JsonObject> QueryPublicRooms(
        string? server, HttpRequest request, RanvierOptions options, RoomDirectoryService directory, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var filter = JsonFields.OptionalObject(body, "filter");
        var query = new PublicRoomsRequest(OptionalLimit(body), JsonFields.OptionalString(body, "since"), server)
        {
            SearchTerm = filter is null ? null : JsonFields.OptionalString(filter, "generic_search_term"),
            RoomTypes = filter is null ? null : RoomTypes(filter),
            IncludeAllNetworks = JsonFields.OptionalBool(body, "include_all_networks"),
            ThirdPartyInstanceId = JsonFields.OptionalString(body, "third_party_instance_id"),
        };
        return await directory.ListAsync(query, cancellationToken);
    }

    private static int? OptionalLimit(JsonObject body) => body["limit"] switch
    {
        null => null,
        var node when JsonNodeValues.TryGetInt64(node, out var n) => (int)Math.Clamp(n, int.MinValue, int.MaxValue),
        _ => throw MatrixError.BadJson("'limit' must be an integer"),
    };

    /// <summary>filter.room_types: strings, and null for rooms without a type.</summary>
    private static List<string?>? RoomTypes(JsonObject filter)
    {
        switch (filter["room_types"])
        {
            case null:
                return null;
            case JsonArray array:
                var types = new List<string?>(array.Count);
                foreach (var item in array)
                {
                    types.Add(item is null ? null : JsonNodeValues.GetString(item) ?? throw MatrixError.BadJson("'room_types' entries must be strings or null"));
                }

                return types;
            default:
                throw MatrixError.BadJson("'room_types' must be an array");
        }
    }
}
