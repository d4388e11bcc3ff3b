using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Push;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Push Notifications", "Client behaviour" (pusher.yaml): a user's pushers.</summary>
internal static class PusherEndpoints
{
    public static void MapPusherEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/pushers", List).RequireAccessToken();
        client.MapPost("/pushers/set", Set).RequireAccessToken();
    }

    /// <summary>GET /pushers — the user's pushers.</summary>
    private static Task<JsonObject> List(RequestContext context, PusherService pushers, CancellationToken cancellationToken) =>
        pushers.ListAsync(context.UserId, cancellationToken);

    /// <summary>POST /pushers/set — creates, replaces or deletes a pusher.</summary>
    private static async Task<EmptyResponse> Set(
        HttpRequest request, RequestContext context, RanvierOptions options, PusherService pushers, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await pushers.SetAsync(context, body, cancellationToken);
        return EmptyResponse.Instance;
    }
}
