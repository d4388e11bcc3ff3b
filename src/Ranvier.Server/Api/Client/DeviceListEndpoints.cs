using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.DeviceLists;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API GET /keys/changes (keys.yaml): the device-list delta between two sync tokens.</summary>
internal static class DeviceListEndpoints
{
    public static void MapDeviceListEndpoints(this RouteGroupBuilder client) =>
        // Not in the spec's list of endpoints guests may use ("Guest access"); guests get device_lists through /sync.
        client.MapGet("/keys/changes", GetChanges).RequireAccessToken();

    private static async Task<KeysChangesResponse> GetChanges(
        string? from, string? to, RequestContext context, DeviceListService deviceLists, CancellationToken cancellationToken)
    {
        var delta = await deviceLists.GetChangesAsync(context.UserId, from, to, cancellationToken);
        return new KeysChangesResponse(delta.Changed, delta.Left);
    }
}

/// <summary>GET /keys/changes response: users whose devices to fetch again, and users no longer sharing a room.</summary>
internal sealed record KeysChangesResponse(IReadOnlyList<string> Changed, IReadOnlyList<string> Left);
