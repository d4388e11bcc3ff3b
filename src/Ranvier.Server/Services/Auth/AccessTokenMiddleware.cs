using Microsoft.Extensions.Primitives;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Devices;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Services.Auth;

/// <summary>
/// Resolves the access token of requests to endpoints that require one (spec: client-server API "Using
/// access tokens"): from <c>Authorization: Bearer</c>, or the deprecated <c>access_token</c> query parameter.
/// Missing: 401 M_MISSING_TOKEN. Unknown: 401 M_UNKNOWN_TOKEN. Expired: 401 M_UNKNOWN_TOKEN with
/// <c>soft_logout: true</c>, since the client may refresh or log in again on the same device. Guests reaching
/// an endpoint not marked <see cref="AccessTokenEndpointExtensions.AllowGuests{TBuilder}"/>: 403 M_GUEST_ACCESS_FORBIDDEN.
/// </summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, IAccountStore accounts, TimeProvider time, DeviceActivity activity)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<RequiresAccessTokenMetadata>() is not null)
        {
            var requestContext = await AuthenticateAsync(context);
            // Spec "Guest access": guests may use only the endpoints it lists; this is the one place that enforces it.
            if (requestContext.IsGuest && endpoint.Metadata.GetMetadata<AllowsGuestsMetadata>() is null)
            {
                throw new MatrixError(StatusCodes.Status403Forbidden, "M_GUEST_ACCESS_FORBIDDEN", "Guest accounts may not use this endpoint");
            }

            context.Features.Set(requestContext);
            // Throttled inside: at most one store write per device every few minutes.
            await activity.RecordAsync(requestContext.UserId, requestContext.DeviceId, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        }

        await next(context);
    }

    private async Task<RequestContext> AuthenticateAsync(HttpContext context)
    {
        var token = ReadToken(context.Request) ?? throw MatrixError.MissingToken();
        // One read: the token and its account's kind and flags.
        var session = await accounts.FindSessionAsync(AccessTokens.Hash(token), context.RequestAborted)
            ?? throw MatrixError.UnknownToken();
        var record = session.Token;
        if (record.ExpiresTs is { } expires && expires <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            throw MatrixError.UnknownToken("Access token has expired", softLogout: true);
        }

        if (session.Deactivated)
        {
            throw MatrixError.UnknownToken();
        }

        if (record.SupersedesRefreshHash is { } superseded)
        {
            // The first use of a refreshed session: the refresh token it replaced is no longer needed.
            await accounts.ConfirmRefreshAsync(record.TokenHash, superseded, context.RequestAborted);
        }

        return new RequestContext(record.UserId, record.DeviceId, session.Kind == AccountKind.Guest) { IsAdmin = session.Admin };
    }

    private static string? ReadToken(HttpRequest request)
    {
        StringValues header = request.Headers.Authorization;
        if (header.Count > 0)
        {
            var value = header.ToString();
            const string bearer = "Bearer ";
            if (!value.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) || value.Length == bearer.Length)
            {
                throw new MatrixError(StatusCodes.Status401Unauthorized, "M_MISSING_TOKEN", "The Authorization header must be 'Bearer <access token>'");
            }

            return value[bearer.Length..].Trim();
        }

        var query = request.Query["access_token"];
        return query.Count > 0 && !string.IsNullOrEmpty(query[0]) ? query[0] : null;
    }
}
