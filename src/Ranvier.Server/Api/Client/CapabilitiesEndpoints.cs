using System.Text.Json.Nodes;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Services.Auth;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Capabilities negotiation" (capabilities.yaml): GET /capabilities.</summary>
internal static class CapabilitiesEndpoints
{
    public static void MapCapabilitiesEndpoints(this RouteGroupBuilder client) =>
        client.MapGet("/capabilities", Get).RequireAccessToken();

    /// <summary>GET /capabilities — what this server lets the user do.</summary>
    private static JsonObject Get() => new()
    {
        ["capabilities"] = new JsonObject
        {
            ["m.change_password"] = Enabled(true),
            ["m.room_versions"] = RoomVersionsCapability(),
            // Deprecated since v1.16 in favour of m.profile_fields, still listed for older clients.
            ["m.set_displayname"] = Enabled(true),
            ["m.set_avatar_url"] = Enabled(true),
            ["m.3pid_changes"] = Enabled(false),
            // Logging in another device with a token (MSC3882) is not built.
            ["m.get_login_token"] = Enabled(true),
            // Every profile field may be changed by its owner: no allowed/disallowed lists.
            ["m.profile_fields"] = Enabled(true),
        },
    };

    private static JsonObject Enabled(bool enabled) => new() { ["enabled"] = enabled };

    /// <summary>The default version new rooms get and every version this server knows, with its stability.</summary>
    private static JsonObject RoomVersionsCapability()
    {
        var available = new JsonObject();
        foreach (var version in RoomVersions.All)
        {
            available[version.Id] = version.Stable ? "stable" : "unstable";
        }

        return new JsonObject { ["default"] = RoomVersions.DefaultId, ["available"] = available };
    }
}
