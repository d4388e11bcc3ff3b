using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Filters;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Filtering" (filter.yaml): uploading and reading sync filters.</summary>
internal static class FilterEndpoints
{
    public static void MapFilterEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/user/{userId}/filter", Create).RequireAccessToken();
        client.MapGet("/user/{userId}/filter/{filterId}", Get).RequireAccessToken();
    }

    /// <summary>POST /user/{userId}/filter — validates and stores a filter.</summary>
    private static async Task<FilterCreatedResponse> Create(
        string userId, HttpRequest request, RequestContext context, RanvierOptions options, FilterService filters, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return new FilterCreatedResponse(await filters.CreateAsync(context, userId, body, cancellationToken));
    }

    /// <summary>GET /user/{userId}/filter/{filterId} — the filter as uploaded.</summary>
    private static Task<JsonObject> Get(string userId, string filterId, RequestContext context, FilterService filters, CancellationToken cancellationToken) =>
        filters.GetJsonAsync(context, userId, filterId, cancellationToken);
}

internal sealed record FilterCreatedResponse(string FilterId);
