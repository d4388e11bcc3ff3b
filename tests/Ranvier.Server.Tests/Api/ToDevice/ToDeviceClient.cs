using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Services.ToDevice;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.ToDevice;

/// <summary>Test helpers for to-device messages: extra devices, sends, and a sync computed by the contributors alone.</summary>
internal static class ToDeviceClient
{
    public static string SendPath(string eventType, string txnId) =>
        $"/_matrix/client/v3/sendToDevice/{Uri.EscapeDataString(eventType)}/{Uri.EscapeDataString(txnId)}";

    public static Task<HttpResponseMessage> SendAsync(this TestHost host, string token, string txnId, string messagesJson, string eventType = "m.test") =>
        host.Client.PutJsonAsync(SendPath(eventType, txnId), $$"""{"messages":{{messagesJson}}}""", token);

    /// <summary>Adds a device with its own access token to an existing user; returns the token.</summary>
    public static async Task<string> AddDeviceAsync(this TestHost host, string userId, string deviceId)
    {
        var accounts = host.Services.GetRequiredService<IAccountStore>();
        await accounts.CreateDeviceAsync(new DeviceRecord(userId, deviceId, null));
        var token = AccessTokens.Generate();
        await accounts.StoreAccessTokenAsync(new AccessTokenRecord(AccessTokens.Hash(token), userId, deviceId));
        return token;
    }

    /// <summary>
    /// What the to-device part of one /sync from <paramref name="since"/> returns, run the way /sync runs contributors:
    /// OnRequestAsync, then ContributeAsync for a window up to the notifier's current position.
    /// </summary>
    public static async Task<SyncResponse> SyncToDeviceAsync(this IServiceProvider services, string userId, string deviceId, SyncToken? since)
    {
        var request = new SyncRequest(userId, deviceId, since, FullState: false, Filter.Empty, SetPresence: null, IsGuest: false);
        var contributor = services.GetServices<ISyncContributor>().OfType<ToDeviceSyncContributor>().Single();
        await contributor.OnRequestAsync(request, CancellationToken.None);

        var upto = services.GetRequiredService<StreamNotifier>().Current;
        var window = new SyncWindow
        {
            Request = request,
            Upto = upto,
            JoinedRoomIds = new HashSet<string>(),
            FromScratchRoomIds = new HashSet<string>(),
        };
        var response = new SyncResponse(upto);
        await contributor.ContributeAsync(window, response, CancellationToken.None);

        return response;
    }
}
