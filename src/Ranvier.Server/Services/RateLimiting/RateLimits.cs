using Ranvier.Server.Configuration;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.RateLimiting;

/// <summary>
/// The server's rate limits (config <c>rate_limits</c>), one <see cref="TokenBucketLimiter"/> each. Endpoints
/// call <see cref="Enforce"/> before doing any work, so a limited request changes nothing.
/// </summary>
public sealed class RateLimits(RanvierOptions options, TimeProvider time)
{
    /// <summary>POST /login per client IP.</summary>
    public TokenBucketLimiter LoginPerIp { get; } = new(options.LoginPerIp, time);

    /// <summary>POST /login per targeted user ID.</summary>
    public TokenBucketLimiter LoginPerAccount { get; } = new(options.LoginPerAccount, time);

    /// <summary>Registration endpoints per client IP.</summary>
    public TokenBucketLimiter RegistrationPerIp { get; } = new(options.RegistrationPerIp, time);

    /// <summary>The key of a request's client: its TCP peer address.</summary>
    public static string ClientKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    /// <summary>Spends one request of <paramref name="key"/>; throws 429 M_LIMIT_EXCEEDED with the wait when none is left.</summary>
    public static void Enforce(TokenBucketLimiter limiter, string key)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        if (limiter.TryAcquire(key) is { } retryAfter)
        {
            throw MatrixError.LimitExceeded(retryAfter);
        }
    }
}
