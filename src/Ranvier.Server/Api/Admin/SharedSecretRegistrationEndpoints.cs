using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Services.RateLimiting;

namespace Ranvier.Server.Api.Admin;

/// <summary>Synapse admin API "Shared-Secret Registration": <c>GET/POST /_synapse/admin/v1/register</c>.</summary>
internal static class SharedSecretRegistrationEndpoints
{
    public static void MapSharedSecretRegistrationEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/register", (SharedSecretRegistration registration) => new NonceResponse(registration.IssueNonce()));
        admin.MapPost("/register", Register);
    }

    /// <summary>POST /_synapse/admin/v1/register — creates a (possibly admin) account when the MAC proves the secret.</summary>
    private static async Task<SharedSecretRegisterResponse> Register(
        HttpRequest request, RanvierOptions options, SharedSecretRegistration registration, AccountService accounts, RateLimits limits, CancellationToken cancellationToken)
    {
        registration.EnsureEnabled();
        RateLimits.Enforce(limits.RegistrationPerIp, RateLimits.ClientKey(request.HttpContext));
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        var nonce = JsonFields.RequiredString(body, "nonce");
        // The nonce is spent before anything else is checked, so a failed attempt cannot be retried with it.
        registration.ConsumeNonce(nonce);
        var username = JsonFields.RequiredString(body, "username");
        var password = JsonFields.RequiredString(body, "password");
        var admin = JsonFields.OptionalBool(body, "admin");
        var userType = JsonFields.OptionalString(body, "user_type");
        _ = JsonFields.OptionalString(body, "displayname");
        var mac = JsonFields.RequiredString(body, "mac");
        if (username.Contains('\0', StringComparison.Ordinal) || password.Contains('\0', StringComparison.Ordinal) || userType?.Contains('\0', StringComparison.Ordinal) == true)
        {
            throw MatrixError.InvalidParam("Fields may not contain NUL characters");
        }

        registration.VerifyMac(mac, nonce, username, password, admin, userType);
        if (userType is not null)
        {
            throw MatrixError.InvalidParam("Unsupported user_type");
        }

        var (userId, session) = await accounts.RegisterUserAsync(username, password, admin, null, null, inhibitLogin: false, refreshable: false, cancellationToken);
        return new SharedSecretRegisterResponse(userId, options.ServerName, session!.AccessToken, session.DeviceId);
    }
}

internal sealed record NonceResponse(string Nonce);

internal sealed record SharedSecretRegisterResponse(string UserId, string HomeServer, string AccessToken, string DeviceId);
