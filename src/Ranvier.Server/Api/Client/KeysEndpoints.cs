using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.DeviceKeys;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Key management API" of end-to-end encryption (keys.yaml): upload, query, claim.</summary>
internal static class KeysEndpoints
{
    public static void MapKeysEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/keys/upload", Upload).RequireAccessToken().AllowGuests();
        client.MapPost("/keys/query", Query).RequireAccessToken().AllowGuests();
        client.MapPost("/keys/claim", Claim).RequireAccessToken().AllowGuests();
    }

    /// <summary>POST /keys/upload: the requesting device's identity, one-time and fallback keys.</summary>
    private static async Task<JsonObject> Upload(
        HttpRequest request, RequestContext context, RanvierOptions options, DeviceKeyService keys, CancellationToken cancellationToken) =>
        await keys.UploadAsync(context, await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken), cancellationToken);

    /// <summary>POST /keys/query: devices and identity keys of users.</summary>
    private static async Task<JsonObject> Query(
        HttpRequest request, RequestContext context, RanvierOptions options, DeviceKeyService keys, CancellationToken cancellationToken) =>
        await keys.QueryAsync(context, await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken), cancellationToken);

    /// <summary>POST /keys/claim: one one-time (or fallback) key per asked device.</summary>
    private static async Task<JsonObject> Claim(
        HttpRequest request, RequestContext context, RanvierOptions options, DeviceKeyService keys, CancellationToken cancellationToken) =>
        await keys.ClaimAsync(context, await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken), cancellationToken);
}
