using Ranvier.Server.Services.Auth;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Account management" (the parts built so far).</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this RouteGroupBuilder client) =>
        client.MapGet("/account/whoami", WhoAmI).RequireAccessToken().AllowGuests();

    /// <summary>GET /account/whoami — the owner of the access token.</summary>
    private static WhoAmIResponse WhoAmI(RequestContext context) =>
        new(context.UserId, context.DeviceId, context.IsGuest);
}

internal sealed record WhoAmIResponse(string UserId, string DeviceId, bool IsGuest);
