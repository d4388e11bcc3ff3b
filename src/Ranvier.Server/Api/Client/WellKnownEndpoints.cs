using System.Text.Json.Serialization;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;

namespace Ranvier.Server.Api.Client;

/// <summary>Server discovery (client-server "Well-known URIs", server-server "Resolving server names").</summary>
internal static class WellKnownEndpoints
{
    public static void MapWellKnownEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/matrix/client", GetClient);
        app.MapGet("/.well-known/matrix/server", GetServer);
    }

    /// <summary>
    /// GET /.well-known/matrix/client — where clients find the homeserver: the configured client URL, else the public
    /// base URL, else the origin the request came to (behind a proxy, set <c>public_baseurl</c>).
    /// </summary>
    private static WellKnownClientResponse GetClient(RanvierOptions options, HttpRequest request)
    {
        var baseUrl = options.WellKnownClientBaseUrl?.ToString() ?? options.PublicBaseUrl?.ToString() ?? $"{request.Scheme}://{request.Host}";
        return new WellKnownClientResponse(new HomeserverInfo(baseUrl.TrimEnd('/')));
    }

    /// <summary>GET /.well-known/matrix/server — federation delegation, only when configured.</summary>
    private static WellKnownServerResponse GetServer(RanvierOptions options) =>
        options.WellKnownServerDelegation is { } delegation
            ? new WellKnownServerResponse(delegation)
            : throw MatrixError.NotFound("No server delegation is configured for this server");
}

internal sealed record HomeserverInfo(string BaseUrl);

internal sealed record WellKnownClientResponse([property: JsonPropertyName("m.homeserver")] HomeserverInfo Homeserver);

internal sealed record WellKnownServerResponse([property: JsonPropertyName("m.server")] string Server);
