using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Room Upgrades" (room_upgrades.yaml).</summary>
internal static class RoomUpgradeEndpoints
{
    public static void MapRoomUpgradeEndpoints(this RouteGroupBuilder client) =>
        client.MapPost("/rooms/{roomId}/upgrade", Upgrade).RequireAccessToken();

    /// <summary>POST /rooms/{roomId}/upgrade {new_version, additional_creators?}: {replacement_room}.</summary>
    private static async Task<JsonObject> Upgrade(
        string roomId, HttpRequest request, RequestContext context, RanvierOptions options, RoomUpgradeService upgrades, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return new JsonObject { ["replacement_room"] = await upgrades.UpgradeAsync(context, roomId, body, cancellationToken) };
    }
}
