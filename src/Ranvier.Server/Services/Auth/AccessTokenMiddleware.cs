using Microsoft.Extensions.Primitives;
using Ranvier.Server.Http;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Services.Auth;

/// <summary>
/// Resolves the access token of requests to endpoints that require one (spec: client-server API "Using
/// access tokens"): from <c>Authorization: Bearer</c>, or the deprecated <c>access_token</c> query parameter.
/// Missing: 401 M_MISSING_TOKEN. Unknown: 401 M_UNKNOWN_TOKEN. Expired: 401 M_UNKNOWN_TOKEN with
/// <c>soft_logout: true</c>, since the client may refresh or log in again on the same device.
/// </summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, IAccountStore accounts, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresAccessTokenMetadata>() is not null)
        {
            context.Features.Set(await AuthenticateAsync(context));
        }

        await next(context);
    }

    private async Task<RequestContext> AuthenticateAsync(HttpContext context)
    {
        var token = ReadToken(context.Request) ?? throw MatrixError.MissingToken();
        var record = await accounts.FindAccessTokenAsync(AccessTokens.Hash(token), context.RequestAborted)
            ?? throw MatrixError.UnknownToken();
        if (record.ExpiresTs is { } expires && expires <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            throw MatrixError.UnknownToken("Access token has expired", softLogout: true);
        }

        if (record.SupersedesRefreshHash is { } superseded)
        {
            // The first use of a refreshed session: the refresh token it replaced is no longer needed.
            await accounts.ConfirmRefreshAsync(record.TokenHash, superseded, context.RequestAborted);
        }

        var user = await accounts.GetUserAsync(record.UserId, context.RequestAborted);
        if (user is null || user.Deactivated)
        {
            throw MatrixError.UnknownToken();
        }

        return new RequestContext(record.UserId, record.DeviceId, user.Kind == AccountKind.Guest);
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
