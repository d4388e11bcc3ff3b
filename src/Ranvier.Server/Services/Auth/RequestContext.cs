using System.Reflection;

namespace Ranvier.Server.Services.Auth;

/// <summary>
/// Who is making an authenticated request, resolved once from the access token by
/// <see cref="AccessTokenMiddleware"/> before the handler runs. Handlers take it as a parameter and never
/// look at tokens themselves.
/// </summary>
public sealed record RequestContext(string UserId, string DeviceId, bool IsGuest)
{
    /// <summary>The application service making the request, when it is one (none exist yet).</summary>
    public string? AppServiceId { get; init; }

    /// <summary>Minimal-API binding: the context the middleware resolved for this request.</summary>
    public static ValueTask<RequestContext?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Reaching a handler without a context means its route lacks RequireAccessToken(): a server bug, not a client error.
        var resolved = context.Features.Get<RequestContext>()
            ?? throw new InvalidOperationException($"The endpoint binds {parameter?.Name} but does not require an access token.");
        return ValueTask.FromResult<RequestContext?>(resolved);
    }
}

/// <summary>Marks an endpoint as needing an access token.</summary>
public sealed class RequiresAccessTokenMetadata
{
    public static readonly RequiresAccessTokenMetadata Instance = new();

    private RequiresAccessTokenMetadata()
    {
    }
}

public static class AccessTokenEndpointExtensions
{
    /// <summary>The endpoint (or every endpoint of the group) needs a valid access token.</summary>
    public static TBuilder RequireAccessToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RequiresAccessTokenMetadata.Instance);
}
