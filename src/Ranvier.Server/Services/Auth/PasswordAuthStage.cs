using Ranvier.Server.Http;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Services.RateLimiting;

namespace Ranvier.Server.Services.Auth;

/// <summary>
/// The <c>m.login.password</c> UIA stage (spec: client-server API "Password-based" authentication type)
/// for endpoints that act on the requesting user's own account (device deletion, password change,
/// deactivation). The auth dict names a user and gives the password; the user must be the requester and the
/// password is checked by <see cref="AccountService.CheckPasswordAsync"/>. Failures keep the stage open and
/// answer 401 with the flows and an errcode (M_FORBIDDEN for a wrong password), as the UIA spec describes.
/// </summary>
public sealed class PasswordAuthStage(AccountService accounts, RateLimits limits)
{
    /// <summary>The stage's type in flows and auth dicts.</summary>
    public const string Type = "m.login.password";

    /// <summary>The flow list of an endpoint that asks for the password alone.</summary>
    public static IReadOnlyList<UiaFlow> Flows { get; } = [new UiaFlow(Type)];

    /// <summary>The stage table for <see cref="UserInteractiveAuth.AuthenticateAsync"/>, checking the password of <paramref name="userId"/>.</summary>
    public IReadOnlyDictionary<string, UiaStageHandler> For(string userId) =>
        new Dictionary<string, UiaStageHandler>(StringComparer.Ordinal) { [Type] = (auth, ct) => CheckAsync(userId, auth, ct) };

    private async ValueTask<MatrixError?> CheckAsync(string userId, System.Text.Json.Nodes.JsonObject auth, CancellationToken cancellationToken)
    {
        string claimed, password;
        try
        {
            claimed = UserIdentifier.Read(auth);
            password = JsonFields.RequiredString(auth, "password");
        }
        catch (MatrixError malformed)
        {
            return malformed;
        }

        // The same per-account budget as login: UIA must not be a side door for guessing passwords (429).
        RateLimits.Enforce(limits.LoginPerAccount, userId);

        // The identifier must name the requester: proving someone else's password authorises nothing here.
        if (accounts.ResolveLocalUser(claimed) != userId || !await accounts.CheckPasswordAsync(userId, password, cancellationToken))
        {
            return MatrixError.Forbidden("Invalid username or password");
        }

        return null;
    }
}
