using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.ToDevice;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Send-to-Device messaging" (to_device.yaml).</summary>
internal static class ToDeviceEndpoints
{
    public static void MapToDeviceEndpoints(this RouteGroupBuilder client) =>
        client.MapPut("/sendToDevice/{eventType}/{txnId}", Send).RequireAccessToken().AllowGuests();

    /// <summary>PUT /sendToDevice/{eventType}/{txnId}: idempotent per device, event type and transaction ID.</summary>
    private static async Task<EmptyResponse> Send(
        string eventType, string txnId, HttpRequest request, RequestContext context, RanvierOptions options, ToDeviceService toDevice,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await toDevice.SendAsync(context, eventType, txnId, body, cancellationToken);
        return EmptyResponse.Instance;
    }
}
