using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Presence;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Presence" (presence.yaml). Not open to guests: the spec's "Guest access" does not list it.</summary>
internal static class PresenceEndpoints
{
    public static void MapPresenceEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/presence/{userId}/status", GetStatus).RequireAccessToken();
        client.MapPut("/presence/{userId}/status", SetStatus).RequireAccessToken();
    }

    /// <summary>GET /presence/{userId}/status.</summary>
    private static Task<JsonObject> GetStatus(string userId, RequestContext context, PresenceService presence, CancellationToken cancellationToken) =>
        presence.GetAsync(context, userId, cancellationToken);

    /// <summary>PUT /presence/{userId}/status.</summary>
    private static async Task<EmptyResponse> SetStatus(
        string userId, HttpRequest request, RequestContext context, RanvierOptions options, PresenceService presence, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await presence.SetAsync(context, userId, body, cancellationToken);
        return EmptyResponse.Instance;
    }
}
