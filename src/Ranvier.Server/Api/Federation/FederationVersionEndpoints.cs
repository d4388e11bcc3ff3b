namespace Ranvier.Server.Api.Federation;

/// <summary>Server-server API: <c>GET /_matrix/federation/v1/version</c>.</summary>
internal static class FederationVersionEndpoints
{
    private static readonly FederationVersionResponse Response = new(new ServerSoftware("Ranvier", ServerInfo.Version));

    public static void MapFederationVersionEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/_matrix/federation/v1/version", () => TypedResults.Ok(Response));
}

internal sealed record ServerSoftware(string Name, string Version);

internal sealed record FederationVersionResponse(ServerSoftware Server);
