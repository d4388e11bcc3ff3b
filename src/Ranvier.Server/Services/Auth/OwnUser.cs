using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Auth;

/// <summary>
/// The rule the user-data endpoints share: a user may only read and change their own data (spec: account
/// data, filters, profile writes answer 403 M_FORBIDDEN otherwise).
/// </summary>
public static class OwnUser
{
    /// <summary>Throws 403 M_FORBIDDEN unless <paramref name="pathUserId"/> is the requester. An invalid user ID is never the requester.</summary>
    public static void Require(RequestContext context, string pathUserId, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.Equals(context.UserId, pathUserId, StringComparison.Ordinal))
        {
            throw MatrixError.Forbidden($"Cannot access {what} of other users");
        }
    }
}
