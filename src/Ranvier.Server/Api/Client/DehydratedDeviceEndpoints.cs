using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Dehydration;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Dehydrated devices, MSC3814 (not in spec v1.19), under <c>/_matrix/client/unstable/org.matrix.msc3814.v1</c>; see
/// docs/dehydrated-devices.md.
/// </summary>
internal static class DehydratedDeviceEndpoints
{
    public const string UnstablePrefix = "/_matrix/client/unstable/org.matrix.msc3814.v1";

    public static void MapDehydratedDeviceEndpoints(this RouteGroupBuilder unstable)
    {
        unstable.MapGet("/dehydrated_device", Get).RequireAccessToken();
        unstable.MapPut("/dehydrated_device", Set).RequireAccessToken();
        unstable.MapDelete("/dehydrated_device", Delete).RequireAccessToken();
        unstable.MapGet("/dehydrated_device/{deviceId}/events", GetEvents).RequireAccessToken();
        unstable.MapPost("/dehydrated_device/{deviceId}/events", PostEvents).RequireAccessToken();
    }

    /// <summary>GET /dehydrated_device.</summary>
    private static Task<JsonObject> Get(RequestContext context, DehydratedDeviceService dehydration, CancellationToken cancellationToken) =>
        dehydration.GetAsync(context, cancellationToken);

    /// <summary>PUT /dehydrated_device.</summary>
    private static async Task<JsonObject> Set(
        HttpRequest request, RequestContext context, RanvierOptions options, DehydratedDeviceService dehydration, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return await dehydration.SetAsync(context, body, cancellationToken);
    }

    /// <summary>DELETE /dehydrated_device.</summary>
    private static Task<JsonObject> Delete(RequestContext context, DehydratedDeviceService dehydration, CancellationToken cancellationToken) =>
        dehydration.DeleteAsync(context, cancellationToken);

    /// <summary>GET /dehydrated_device/{deviceId}/events?from=: the current form of MSC3814 (matrix-js-sdk 43).</summary>
    private static Task<JsonObject> GetEvents(
        string deviceId, [FromQuery] string? from, RequestContext context, DehydratedDeviceService dehydration, CancellationToken cancellationToken) =>
        dehydration.GetEventsAsync(context, deviceId, from, alwaysNextBatch: false, cancellationToken);

    /// <summary>POST /dehydrated_device/{deviceId}/events with <c>{next_batch}</c>: the earlier form, which older clients use.</summary>
    private static async Task<JsonObject> PostEvents(
        string deviceId, HttpRequest request, RequestContext context, RanvierOptions options, DehydratedDeviceService dehydration, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectOrEmptyAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return await dehydration.GetEventsAsync(context, deviceId, JsonFields.OptionalString(body, "next_batch"), alwaysNextBatch: true, cancellationToken);
    }
}
