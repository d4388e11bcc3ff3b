using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Push;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// A user's pushers (spec: client-server API "Push Notifications", "Client behaviour"; pusher.yaml). A pusher belongs
/// to the device whose access token set it: deleting that device (logout, device deletion, deactivation) deletes it.
/// </summary>
public sealed class PusherService(IPusherStore pushers, PushGatewayClient gateways, TimeProvider time)
{
    /// <summary>GET /pushers: <c>{"pushers": [...]}</c>, each as it was set.</summary>
    public async Task<JsonObject> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var list = new JsonArray();
        foreach (var pusher in await pushers.ListAsync(userId, cancellationToken))
        {
            var entry = new JsonObject
            {
                ["pushkey"] = pusher.Pushkey,
                ["kind"] = pusher.Kind,
                ["app_id"] = pusher.AppId,
                ["app_display_name"] = pusher.AppDisplayName,
                ["device_display_name"] = pusher.DeviceDisplayName,
                ["lang"] = pusher.Lang,
                ["data"] = JsonNode.Parse(pusher.DataJson),
            };
            if (pusher.ProfileTag is not null)
            {
                entry["profile_tag"] = pusher.ProfileTag;
            }

            list.Add((JsonNode)entry);
        }

        return new JsonObject { ["pushers"] = list };
    }

    /// <summary>
    /// POST /pushers/set: creates, replaces or (kind null) deletes the pusher with this app ID and pushkey. Invalid
    /// input is refused before anything is written. A URL naming an address the push policy refuses is refused here
    /// (a host name is checked at each connection).
    /// </summary>
    public async Task SetAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = PusherRequest.Parse(body);
        if (request.Kind is null)
        {
            // Deleting a pusher that does not exist is not an error: the outcome the client asked for holds.
            await pushers.DeleteAsync(context.UserId, request.AppId, request.Pushkey, cancellationToken);
            return;
        }

        if (request.LiteralAddress is { } address && !gateways.Policy.IsAllowed(address))
        {
            throw MatrixError.InvalidParam("'data.url' names an address this server does not send pushes to");
        }

        var record = new PusherRecord(
            context.UserId,
            request.AppId,
            request.Pushkey,
            request.Kind,
            request.AppDisplayName,
            request.DeviceDisplayName,
            request.ProfileTag,
            request.Lang,
            request.Data.ToJsonString(),
            context.DeviceId,
            time.GetUtcNow().ToUnixTimeMilliseconds());
        await pushers.SetAsync(record, request.Append, cancellationToken);
    }
}
