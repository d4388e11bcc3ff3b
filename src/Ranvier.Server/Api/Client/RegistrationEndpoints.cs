using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.RateLimiting;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API "Account registration": <c>POST /register</c> (users and guests),
/// <c>GET /register/available</c>, and <c>GET /v1/register/m.login.registration_token/validity</c>.
/// </summary>
internal static class RegistrationEndpoints
{
    private const string DummyStage = "m.login.dummy";
    private static readonly UiaFlow[] OpenFlows = [new(DummyStage)];
    private static readonly UiaFlow[] TokenFlows = [new(RegistrationTokens.StageType)];

    public static void MapRegistrationEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/register", Register);
        client.MapGet("/register/available", Available);
    }

    /// <summary>Endpoints the spec defines under <c>/_matrix/client/v1</c>.</summary>
    public static void MapRegistrationV1Endpoints(this RouteGroupBuilder clientV1) =>
        clientV1.MapGet("/register/m.login.registration_token/validity", TokenValidity);

    /// <summary>POST /register — creates an account after user-interactive authentication, or a guest account.</summary>
    private static async Task<IResult> Register(
        HttpRequest request,
        string? kind,
        RanvierOptions options,
        AccountService accounts,
        UserInteractiveAuth uia,
        RegistrationTokens tokens,
        RateLimits limits,
        CancellationToken cancellationToken)
    {
        var guest = kind switch
        {
            null or "user" => false,
            "guest" => true,
            _ => throw MatrixError.InvalidParam("kind must be 'user' or 'guest'"),
        };
        if (guest ? !options.AllowGuests : options.RegistrationMode == RegistrationMode.Closed)
        {
            throw MatrixError.Forbidden(guest ? "Guest access is disabled on this server" : "Registration is disabled on this server");
        }

        RateLimits.Enforce(limits.RegistrationPerIp, RateLimits.ClientKey(request.HttpContext));
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        // Types are checked before UIA so a malformed request never costs the client a round of stages.
        var username = JsonFields.OptionalString(body, "username");
        var password = JsonFields.OptionalString(body, "password");
        var deviceId = ReadDeviceId(body);
        var displayName = JsonFields.OptionalString(body, "initial_device_display_name");
        var inhibitLogin = JsonFields.OptionalBool(body, "inhibit_login");
        var refreshable = JsonFields.OptionalBool(body, "refresh_token");
        if (guest)
        {
            // Spec "Guest access": guests get no choice of name, password or device; they need no UIA.
            var grant = await accounts.RegisterGuestAsync(displayName, cancellationToken);
            return TypedResults.Ok(new RegisterResponse(grant.UserId, grant.AccessToken, grant.DeviceId, null, null));
        }

        // Spec "Guest access": a guest upgrades by registering with its access token and its own localpart.
        var guestAccessToken = JsonFields.OptionalString(body, "guest_access_token");
        string? upgradedGuest = null;
        if (guestAccessToken is not null)
        {
            upgradedGuest = await accounts.CheckGuestUpgradeAsync(guestAccessToken, username, cancellationToken);
        }
        else if (username is not null)
        {
            // A taken or invalid name is reported before the client walks through the stages.
            await accounts.CheckAvailableAsync(username, cancellationToken);
        }

        var tokenMode = options.RegistrationMode == RegistrationMode.Token;
        var stages = new Dictionary<string, UiaStageHandler>(StringComparer.Ordinal)
        {
            // m.login.dummy: nothing to prove; it exists so a flow can be "just register".
            [DummyStage] = (_, _) => ValueTask.FromResult<MatrixError?>(null),
            [RegistrationTokens.StageType] = tokens.CompleteStageAsync,
        };
        var outcome = await uia.AuthenticateAsync("register", body, tokenMode ? TokenFlows : OpenFlows, stages, cancellationToken);
        if (outcome.ChallengeResult is { } challenge)
        {
            return challenge;
        }

        if (password is null)
        {
            throw MatrixError.MissingParam("'password' is required");
        }

        var (userId, session) = upgradedGuest is null
            ? await accounts.RegisterAsync(username, password, deviceId, displayName, inhibitLogin, refreshable, cancellationToken)
            : (upgradedGuest, await accounts.UpgradeGuestAsync(upgradedGuest, password, deviceId, displayName, inhibitLogin, refreshable, cancellationToken));
        outcome.Complete();
        await tokens.CompleteRegistrationAsync(outcome.SessionId!, cancellationToken);
        return TypedResults.Ok(new RegisterResponse(userId, session?.AccessToken, session?.DeviceId, session?.RefreshToken, session?.ExpiresInMs));
    }

    /// <summary>GET /register/available — whether a username may still be registered.</summary>
    private static async Task<AvailableResponse> Available(string? username, RanvierOptions options, AccountService accounts, CancellationToken cancellationToken)
    {
        if (options.RegistrationMode == RegistrationMode.Closed)
        {
            throw MatrixError.Forbidden("Registration is disabled on this server");
        }

        if (string.IsNullOrEmpty(username))
        {
            throw MatrixError.MissingParam("'username' is required");
        }

        await accounts.CheckAvailableAsync(username, cancellationToken);
        return new AvailableResponse(true);
    }

    /// <summary>
    /// GET /_matrix/client/v1/register/m.login.registration_token/validity — whether a token may be used
    /// now. Rate limited like registration, as the spec asks, against guessing tokens.
    /// </summary>
    private static async Task<TokenValidityResponse> TokenValidity(
        HttpContext context, string? token, RanvierOptions options, RegistrationTokens tokens, RateLimits limits, CancellationToken cancellationToken)
    {
        if (options.RegistrationMode == RegistrationMode.Closed)
        {
            throw MatrixError.Forbidden("Registration is not enabled on this homeserver.");
        }

        RateLimits.Enforce(limits.RegistrationPerIp, RateLimits.ClientKey(context));
        if (token is null)
        {
            throw MatrixError.MissingParam("'token' is required");
        }

        if (!RegistrationTokens.IsWellFormed(token))
        {
            throw MatrixError.InvalidParam("The token may only contain A-Z, a-z, 0-9, '.', '_', '~' and '-', at most 64 of them");
        }

        return new TokenValidityResponse(await tokens.IsValidAsync(token, cancellationToken));
    }

    internal static string? ReadDeviceId(JsonObject body)
    {
        var deviceId = JsonFields.OptionalString(body, "device_id");
        if (deviceId is not null && !DeviceId.TryParse(deviceId, out _))
        {
            throw MatrixError.InvalidParam("device_id is not a valid device ID");
        }

        return deviceId;
    }
}

internal sealed record RegisterResponse(string UserId, string? AccessToken, string? DeviceId, string? RefreshToken, long? ExpiresInMs);

internal sealed record AvailableResponse(bool Available);

internal sealed record TokenValidityResponse(bool Valid);
