namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Server discovery": <c>GET /_matrix/client/versions</c>.</summary>
internal static class VersionsEndpoints
{
    /// <summary>
    /// The spec versions a client may assume. Ranvier follows v1.19; earlier versions are listed too because
    /// clients look for the one they were written against by name. Endpoints not built yet answer
    /// 404 M_UNRECOGNIZED, as the spec says an unknown endpoint does.
    /// </summary>
    internal static readonly VersionsResponse Response = new(
        [
            "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10",
            "v1.11", "v1.12", "v1.13", "v1.14", "v1.15", "v1.16", "v1.17", "v1.18", "v1.19",
        ],
        // Unstable features (MSCs) Ranvier implements, each true; none yet.
        new Dictionary<string, bool>());

    /// <summary>GET /_matrix/client/versions (no authentication).</summary>
    public static void MapVersionsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/_matrix/client/versions", () => TypedResults.Ok(Response));
}

internal sealed record VersionsResponse(IReadOnlyList<string> Versions, IReadOnlyDictionary<string, bool> UnstableFeatures);
