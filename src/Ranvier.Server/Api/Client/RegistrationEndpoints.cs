using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Services.Auth;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Account registration": <c>POST /register</c>, <c>GET /register/available</c>.</summary>
internal static class RegistrationEndpoints
{
    private const string DummyStage = "m.login.dummy";
    private static readonly UiaFlow[] OpenFlows = [new(DummyStage)];

    private static readonly Dictionary<string, UiaStageHandler> Stages = new(StringComparer.Ordinal)
    {
        // m.login.dummy: nothing to prove; it exists so a flow can be "just register".
        [DummyStage] = (_, _) => ValueTask.FromResult<MatrixError?>(null),
    };

    public static void MapRegistrationEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/register", Register);
        client.MapGet("/register/available", Available);
    }

    /// <summary>POST /register — creates an account after user-interactive authentication.</summary>
    private static async Task<IResult> Register(
        HttpRequest request, string? kind, RanvierOptions options, AccountService accounts, UserInteractiveAuth uia, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case null or "user":
                break;
            case "guest":
                throw MatrixError.Forbidden("Guest access is disabled on this server");
            default:
                throw MatrixError.InvalidParam("kind must be 'user' or 'guest'");
        }

        if (options.RegistrationMode == RegistrationMode.Closed)
        {
            throw MatrixError.Forbidden("Registration is disabled on this server");
        }

        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        // Types are checked before UIA so a malformed request never costs the client a round of stages.
        var username = JsonFields.OptionalString(body, "username");
        var password = JsonFields.OptionalString(body, "password");
        var deviceId = ReadDeviceId(body);
        var displayName = JsonFields.OptionalString(body, "initial_device_display_name");
        var inhibitLogin = JsonFields.OptionalBool(body, "inhibit_login");
        var refreshable = JsonFields.OptionalBool(body, "refresh_token");
        if (username is not null)
        {
            // A taken or invalid name is reported before the client walks through the stages.
            await accounts.CheckAvailableAsync(username, cancellationToken);
        }

        var outcome = await uia.AuthenticateAsync("register", body, OpenFlows, Stages, cancellationToken);
        if (outcome.ChallengeResult is { } challenge)
        {
            return challenge;
        }

        if (password is null)
        {
            throw MatrixError.MissingParam("'password' is required");
        }

        var (userId, session) = await accounts.RegisterAsync(username, password, deviceId, displayName, inhibitLogin, refreshable, cancellationToken);
        outcome.Complete();
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
