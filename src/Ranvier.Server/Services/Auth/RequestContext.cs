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

    /// <summary>Whether the user is a server administrator (the admin API).</summary>
    public bool IsAdmin { get; init; }

    /// <summary>Throws 403 M_FORBIDDEN unless the user is a server administrator.</summary>
    public void RequireAdmin()
    {
        if (!IsAdmin)
        {
            throw Http.MatrixError.Forbidden("You are not a server admin");
        }
    }

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

/// <summary>
/// Marks an endpoint as open to guest accounts (spec: client-server API "Guest access" lists them). Every
/// other endpoint that requires an access token answers guests 403 M_GUEST_ACCESS_FORBIDDEN.
/// </summary>
public sealed class AllowsGuestsMetadata
{
    public static readonly AllowsGuestsMetadata Instance = new();

    private AllowsGuestsMetadata()
    {
    }
}

public static class AccessTokenEndpointExtensions
{
    /// <summary>Guest access tokens may use the endpoint (only for endpoints the spec's "Guest access" module lists).</summary>
    public static TBuilder AllowGuests<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AllowsGuestsMetadata.Instance);

    /// <summary>The endpoint (or every endpoint of the group) needs a valid access token.</summary>
    public static TBuilder RequireAccessToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RequiresAccessTokenMetadata.Instance);
}
