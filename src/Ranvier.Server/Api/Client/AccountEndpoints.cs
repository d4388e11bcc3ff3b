using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Account management": whoami, password change, deactivation.</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/account/whoami", WhoAmI).RequireAccessToken().AllowGuests();
        // The spec lets both be called without an access token (the UIA stage then names the user). Every
        // client with a session sends one, so for now a token is required and names the account.
        client.MapPost("/account/password", ChangePassword).RequireAccessToken();
        client.MapPost("/account/deactivate", Deactivate).RequireAccessToken();
    }

    /// <summary>GET /account/whoami — the owner of the access token.</summary>
    private static WhoAmIResponse WhoAmI(RequestContext context) =>
        new(context.UserId, context.DeviceId, context.IsGuest);

    /// <summary>
    /// POST /account/password — after UIA with the old password, sets <c>new_password</c>. With
    /// <c>logout_devices</c> (default true) every other device is logged out; this one keeps its token.
    /// </summary>
    private static async Task<IResult> ChangePassword(
        HttpRequest request, RequestContext context, RanvierOptions options, AccountService accounts,
        UserInteractiveAuth uia, PasswordAuthStage password, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        // Checked before UIA, so a malformed request never costs the client its password round.
        var newPassword = JsonFields.RequiredString(body, "new_password");
        var logoutDevices = JsonFields.OptionalBool(body, "logout_devices", defaultValue: true);

        var outcome = await uia.AuthenticateAsync($"account/password:{context.UserId}", body, PasswordAuthStage.Flows, password.For(context.UserId), cancellationToken);
        if (outcome.ChallengeResult is { } challenge)
        {
            return challenge;
        }

        await accounts.ChangePasswordAsync(context, newPassword, logoutDevices, cancellationToken);
        outcome.Complete();
        return TypedResults.Ok(EmptyResponse.Instance);
    }

    /// <summary>POST /account/deactivate — after UIA with the password, deactivates the account for good.</summary>
    private static async Task<IResult> Deactivate(
        HttpRequest request, RequestContext context, RanvierOptions options, AccountService accounts,
        UserInteractiveAuth uia, PasswordAuthStage password, RoomDeparture departure, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        _ = JsonFields.OptionalString(body, "id_server");
        // erase: the profile, account data and filters go too. Serving the user's room events redacted to users who
        // join later (the rest of the spec's SHOULD) is not built yet.
        var erase = JsonFields.OptionalBool(body, "erase");

        var outcome = await uia.AuthenticateAsync($"account/deactivate:{context.UserId}", body, PasswordAuthStage.Flows, password.For(context.UserId), cancellationToken);
        if (outcome.ChallengeResult is { } challenge)
        {
            return challenge;
        }

        await accounts.DeactivateAsync(context, erase, cancellationToken);
        outcome.Complete();
        await departure.LeaveAllAsync(context.UserId, cancellationToken);
        // The spec: "This must be success if the homeserver has no identifiers to unbind for the user". A
        // server without identity-server support never has any, so the answer is always success.
        return TypedResults.Ok(new UnbindResultResponse(UnbindResultResponse.Success));
    }
}

internal sealed record WhoAmIResponse(string UserId, string DeviceId, bool IsGuest);

/// <summary>The <c>id_server_unbind_result</c> answer of deactivation and of 3PID deletion/unbinding.</summary>
internal sealed record UnbindResultResponse(string IdServerUnbindResult)
{
    public const string Success = "success";
    public const string NoSupport = "no-support";
}
