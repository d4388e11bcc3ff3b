using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.RateLimiting;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Login" and "Logout".</summary>
internal static class LoginEndpoints
{
    private const string PasswordLogin = "m.login.password";
    private const string TokenLogin = "m.login.token";

    // get_login_token: true tells unauthenticated clients that /login/get_token exists (spec v1.7).
    private static readonly LoginFlowsResponse Flows = new([new LoginFlow(PasswordLogin), new LoginFlow(TokenLogin, GetLoginToken: true)]);

    public static void MapLoginEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/login", () => TypedResults.Ok(Flows));
        client.MapPost("/login", Login);
        client.MapPost("/refresh", Refresh);
        client.MapPost("/logout", Logout).RequireAccessToken();
        client.MapPost("/logout/all", LogoutAll).RequireAccessToken();
    }

    /// <summary>The endpoints of this module that live under /_matrix/client/v1.</summary>
    public static void MapLoginV1Endpoints(this RouteGroupBuilder clientV1) =>
        clientV1.MapPost("/login/get_token", GetLoginToken).RequireAccessToken();

    /// <summary>POST /login — exchanges credentials for an access token on a (new or reused) device.</summary>
    private static async Task<LoginResponse> Login(
        HttpRequest request, RanvierOptions options, AccountService accounts, RateLimits limits, CancellationToken cancellationToken)
    {
        RateLimits.Enforce(limits.LoginPerIp, RateLimits.ClientKey(request.HttpContext));
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var type = JsonFields.RequiredString(body, "type");
        if (type == TokenLogin)
        {
            var token = JsonFields.RequiredString(body, "token");
            var granted = await accounts.LoginWithTokenAsync(
                token, RegistrationEndpoints.ReadDeviceId(body), JsonFields.OptionalString(body, "initial_device_display_name"),
                JsonFields.OptionalBool(body, "refresh_token"), cancellationToken);
            return new LoginResponse(granted.UserId, granted.AccessToken, granted.DeviceId, options.ServerName, granted.RefreshToken, granted.ExpiresInMs);
        }

        if (type != PasswordLogin)
        {
            throw new MatrixError(StatusCodes.Status400BadRequest, "M_UNKNOWN", $"Unknown login type '{type}'");
        }

        var user = UserIdentifier.Read(body);
        // Per targeted account, whoever asks: slows guessing one user's password from many addresses.
        RateLimits.Enforce(limits.LoginPerAccount, accounts.ResolveLocalUser(user) ?? user.ToLowerInvariant());
        var password = JsonFields.RequiredString(body, "password");
        var deviceId = RegistrationEndpoints.ReadDeviceId(body);
        var displayName = JsonFields.OptionalString(body, "initial_device_display_name");
        var refreshable = JsonFields.OptionalBool(body, "refresh_token");

        var session = await accounts.LoginWithPasswordAsync(user, password, deviceId, displayName, refreshable, cancellationToken);
        return new LoginResponse(session.UserId, session.AccessToken, session.DeviceId, options.ServerName, session.RefreshToken, session.ExpiresInMs);
    }

    /// <summary>
    /// POST /_matrix/client/v1/login/get_token — a single-use login token for another client of the same user.
    /// The spec requires re-prompting every time, so each call walks the password stage in a fresh UIA session.
    /// </summary>
    private static async Task<IResult> GetLoginToken(
        HttpRequest request, RequestContext context, RanvierOptions options, AccountService accounts, UserInteractiveAuth uia,
        PasswordAuthStage password, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var outcome = await uia.AuthenticateAsync($"get_token:{context.UserId}", body, PasswordAuthStage.Flows, password.For(context.UserId), cancellationToken);
        if (outcome.ChallengeResult is { } challenge)
        {
            return challenge;
        }

        var (token, expiresInMs) = await accounts.CreateLoginTokenAsync(context.UserId, cancellationToken);
        outcome.Complete();
        return TypedResults.Ok(new LoginTokenResponse(token, expiresInMs));
    }

    /// <summary>POST /refresh — a new access token (and refresh token) for a refresh token; no access token needed.</summary>
    private static async Task<RefreshResponse> Refresh(HttpRequest request, RanvierOptions options, AccountService accounts, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var session = await accounts.RefreshAsync(JsonFields.RequiredString(body, "refresh_token"), cancellationToken);
        return new RefreshResponse(session.AccessToken, session.RefreshToken, session.ExpiresInMs);
    }

    /// <summary>POST /logout — ends this device's session.</summary>
    private static async Task<EmptyResponse> Logout(RequestContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        await accounts.LogoutAsync(context, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>POST /logout/all — ends every session of the user.</summary>
    private static async Task<EmptyResponse> LogoutAll(RequestContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        await accounts.LogoutAllAsync(context, cancellationToken);
        return EmptyResponse.Instance;
    }
}

internal sealed record LoginFlow(string Type, bool? GetLoginToken = null);

internal sealed record LoginFlowsResponse(IReadOnlyList<LoginFlow> Flows);

internal sealed record LoginResponse(string UserId, string AccessToken, string DeviceId, string HomeServer, string? RefreshToken, long? ExpiresInMs);

internal sealed record LoginTokenResponse(string LoginToken, long ExpiresInMs);

internal sealed record RefreshResponse(string AccessToken, string? RefreshToken, long? ExpiresInMs);

/// <summary>The empty JSON object many endpoints answer with.</summary>
internal sealed record EmptyResponse
{
    public static readonly EmptyResponse Instance = new();
}
