using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Services.Accounts;

/// <summary>
/// Registration tokens (spec: client-server API "Token-authenticated registration") with Synapse's use
/// counting: a token is <em>pending</em> while a UIA session holds it (from a successful
/// <c>m.login.registration_token</c> stage until the registration completes or the session expires) and
/// <em>completed</em> once an account was registered with it.
/// </summary>
public sealed class RegistrationTokens
{
    /// <summary>The UIA stage type.</summary>
    public const string StageType = "m.login.registration_token";

    /// <summary>The longest token the spec allows.</summary>
    public const int MaxLength = 64;

    private const string GeneratedAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";
    private readonly IRegistrationTokenStore store;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, string> heldBySession = new(StringComparer.Ordinal);

    public RegistrationTokens(IRegistrationTokenStore store, UserInteractiveAuth uia, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(uia);
        this.store = store;
        this.time = time;
        uia.OnSessionExpired(ReleaseAsync);
    }

    /// <summary>Whether a token exists and may start a registration now (GET …/validity).</summary>
    public async Task<bool> IsValidAsync(string token, CancellationToken cancellationToken) =>
        await store.GetAsync(token, cancellationToken) is { } record && record.IsValidAt(NowMs());

    /// <summary>
    /// The <c>m.login.registration_token</c> stage: reserves one use of the token for the UIA session (once per
    /// session). An unknown, expired or used-up token keeps the stage incomplete with 401 M_UNAUTHORIZED.
    /// </summary>
    public async ValueTask<MatrixError?> CompleteStageAsync(JsonObject auth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auth);
        if (auth["token"] is not JsonValue value || !value.TryGetValue<string>(out var token))
        {
            return MatrixError.MissingParam("'token' is required for m.login.registration_token");
        }

        var session = JsonFields.RequiredString(auth, "session");
        if (heldBySession.TryGetValue(session, out var held) && held == token)
        {
            return null;
        }

        if (!await store.TryReserveAsync(token, NowMs(), cancellationToken))
        {
            return new MatrixError(StatusCodes.Status401Unauthorized, "M_UNAUTHORIZED", "Invalid registration token");
        }

        if (heldBySession.TryGetValue(session, out var previous) && heldBySession.TryUpdate(session, token, previous))
        {
            await store.ReleaseAsync(previous, cancellationToken);
        }
        else if (!heldBySession.TryAdd(session, token))
        {
            // Another request of the same session reserved first: give this use back.
            await store.ReleaseAsync(token, cancellationToken);
        }

        return null;
    }

    /// <summary>The registration authorised by <paramref name="session"/> succeeded: its token use is completed.</summary>
    public Task CompleteRegistrationAsync(string session, CancellationToken cancellationToken) =>
        heldBySession.TryRemove(session, out var token) ? store.CompleteAsync(token, cancellationToken) : Task.CompletedTask;

    /// <summary>A random token of <paramref name="length"/> characters from the opaque-identifier alphabet.</summary>
    public static string Generate(int length) => RandomNumberGenerator.GetString(GeneratedAlphabet, length);

    /// <summary>Whether <paramref name="token"/> fits the spec: opaque identifier grammar, 1–64 characters.</summary>
    public static bool IsWellFormed(string token) =>
        token.Length is > 0 and <= MaxLength && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '-');

    private Task ReleaseAsync(string session) =>
        heldBySession.TryRemove(session, out var token) ? store.ReleaseAsync(token) : Task.CompletedTask;

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
