using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Devices;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Device management": the requesting user's own devices.</summary>
internal static class DeviceEndpoints
{
    public static void MapDeviceEndpoints(this RouteGroupBuilder client)
    {
        // Spec "Guest access" lists these three for guests; deletion is not among them.
        client.MapGet("/devices", List).RequireAccessToken().AllowGuests();
        client.MapGet("/devices/{deviceId}", Get).RequireAccessToken().AllowGuests();
        client.MapPut("/devices/{deviceId}", Update).RequireAccessToken().AllowGuests();
        client.MapDelete("/devices/{deviceId}", Delete).RequireAccessToken();
        client.MapPost("/delete_devices", DeleteMany).RequireAccessToken();
    }

    /// <summary>GET /devices — every device of the user.</summary>
    private static async Task<DevicesResponse> List(RequestContext context, DeviceService devices, CancellationToken cancellationToken) =>
        new((await devices.ListAsync(context.UserId, cancellationToken)).Select(ToResponse).ToList());

    /// <summary>GET /devices/{deviceId} — one device; 404 M_NOT_FOUND when the user has no such device.</summary>
    private static async Task<DeviceResponse> Get(string deviceId, RequestContext context, DeviceService devices, CancellationToken cancellationToken) =>
        ToResponse(await devices.GetAsync(context.UserId, deviceId, cancellationToken));

    /// <summary>PUT /devices/{deviceId} — renames a device (display_name absent: unchanged).</summary>
    private static async Task<EmptyResponse> Update(
        string deviceId, HttpRequest request, RequestContext context, RanvierOptions options, DeviceService devices, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var displayName = JsonFields.OptionalString(body, "display_name");
        await devices.UpdateAsync(context.UserId, deviceId, displayName, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>DELETE /devices/{deviceId} — deletes a device and its tokens, after UIA with the user's password.</summary>
    private static async Task<IResult> Delete(
        string deviceId, HttpRequest request, RequestContext context, RanvierOptions options, DeviceService devices,
        UserInteractiveAuth uia, PasswordAuthStage password, CancellationToken cancellationToken)
    {
        // A DELETE may come without a body (the first, unauthenticated attempt of many clients).
        var body = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }
            ? new JsonObject()
            : await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return await DeleteAuthenticatedAsync(body, [deviceId], "delete_device", context, devices, uia, password, cancellationToken);
    }

    /// <summary>POST /delete_devices — deletes several devices and their tokens, after UIA with the user's password.</summary>
    private static async Task<IResult> DeleteMany(
        HttpRequest request, RequestContext context, RanvierOptions options, DeviceService devices,
        UserInteractiveAuth uia, PasswordAuthStage password, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return await DeleteAuthenticatedAsync(body, ReadDeviceIds(body), "delete_devices", context, devices, uia, password, cancellationToken);
    }

    private static async Task<IResult> DeleteAuthenticatedAsync(
        JsonObject body, IReadOnlyList<string> deviceIds, string operation, RequestContext context, DeviceService devices,
        UserInteractiveAuth uia, PasswordAuthStage password, CancellationToken cancellationToken)
    {
        // The UIA session is bound to the user and to the exact devices, so a completed session cannot be
        // replayed by someone else or stretched to other devices.
        var endpoint = $"{operation}:{context.UserId}:{string.Join(',', deviceIds.Order(StringComparer.Ordinal))}";
        var outcome = await uia.AuthenticateAsync(endpoint, body, PasswordAuthStage.Flows, password.For(context.UserId), cancellationToken);
        if (outcome.ChallengeResult is { } challenge)
        {
            return challenge;
        }

        await devices.DeleteAsync(context.UserId, deviceIds, cancellationToken);
        outcome.Complete();
        return TypedResults.Ok(EmptyResponse.Instance);
    }

    private static List<string> ReadDeviceIds(JsonObject body)
    {
        if (body["devices"] is not JsonArray array)
        {
            throw body.ContainsKey("devices") ? MatrixError.BadJson("'devices' must be an array of strings") : MatrixError.MissingParam("'devices' is required");
        }

        var ids = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                throw MatrixError.BadJson("'devices' must be an array of strings");
            }

            ids.Add(value.GetValue<string>());
        }

        return ids;
    }

    private static DeviceResponse ToResponse(DeviceRecord device) =>
        new(device.DeviceId, device.DisplayName, device.LastSeenIp, device.LastSeenTs);
}

/// <summary>
/// A device as the spec's "Device" schema shows it. Unknown values are written as null rather than left
/// out: the spec allows either, Synapse writes null, and matrix-nio rejects a device without the keys.
/// </summary>
internal sealed record DeviceResponse(
    string DeviceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? DisplayName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastSeenIp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? LastSeenTs);

internal sealed record DevicesResponse(IReadOnlyList<DeviceResponse> Devices);
