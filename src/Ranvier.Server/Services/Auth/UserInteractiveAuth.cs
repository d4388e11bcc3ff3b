using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ranvier.Server.Api.Json;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Auth;

/// <summary>One way through user-interactive authentication: the stages to complete, in order.</summary>
public sealed record UiaFlow(params string[] Stages);

/// <summary>
/// Completes one UIA stage from the client's <c>auth</c> dict; returns null on success, or the error that
/// keeps the stage incomplete (e.g. 401 M_FORBIDDEN for a wrong password).
/// </summary>
public delegate ValueTask<MatrixError?> UiaStageHandler(JsonObject auth, CancellationToken cancellationToken);

/// <summary>
/// The user-interactive authentication engine (spec: client-server API "User-interactive authentication
/// API"). An endpoint names its flows and the handlers of their stages; the engine keeps each session's
/// completed stages and answers 401 with the flows, params, session and completed stages until one flow is
/// complete. A session is bound to the endpoint that started it, ends when the request it authorised
/// succeeds, and expires after a while. Sessions live in memory: a restart only makes clients start over.
/// </summary>
public sealed class UserInteractiveAuth(TimeProvider time)
{
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, Session> sessions = new(StringComparer.Ordinal);
    private readonly List<Func<string, Task>> expiryHandlers = [];

    /// <summary>
    /// Registers work to run when a session expires unfinished, with its ID (e.g. giving back a registration
    /// token's pending use). Sessions are swept when the next request runs UIA.
    /// </summary>
    public void OnSessionExpired(Func<string, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (expiryHandlers)
        {
            expiryHandlers.Add(handler);
        }
    }

    /// <summary>
    /// Runs UIA for a request. Returns a completed <see cref="UiaOutcome"/> when a flow is done; otherwise the
    /// 401 response to send. The caller finishes the request and then calls <see cref="UiaOutcome.Complete"/>,
    /// so a failed request leaves the session usable for a retry.
    /// </summary>
    public async Task<UiaOutcome> AuthenticateAsync(
        string endpoint,
        JsonObject body,
        IReadOnlyList<UiaFlow> flows,
        IReadOnlyDictionary<string, UiaStageHandler> stages,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(stages);
        await RemoveExpiredAsync();

        var auth = JsonFields.OptionalObject(body, "auth");
        var session = ResolveSession(endpoint, auth);
        if (auth is null)
        {
            return UiaOutcome.Challenge(Render(session, flows, error: null));
        }

        var type = JsonFields.OptionalString(auth, "type");
        if (type is not null)
        {
            if (!stages.TryGetValue(type, out var handler) || !flows.Any(f => f.Stages.Contains(type)))
            {
                return UiaOutcome.Challenge(Render(session, flows, MatrixError.InvalidParam($"Unsupported authentication stage '{type}'")));
            }

            // Handlers see the session ID even on a first request without one, so they can tie state to it.
            auth["session"] = session.Id;
            var failure = await handler(auth, cancellationToken);
            if (failure is not null)
            {
                return UiaOutcome.Challenge(Render(session, flows, failure));
            }

            lock (session)
            {
                session.Completed.Add(type);
            }
        }

        lock (session)
        {
            if (flows.Any(f => f.Stages.All(session.Completed.Contains)))
            {
                return UiaOutcome.Done(session.Id, () => sessions.TryRemove(session.Id, out _));
            }
        }

        return UiaOutcome.Challenge(Render(session, flows, error: null));
    }

    private Session ResolveSession(string endpoint, JsonObject? auth)
    {
        var id = auth is null ? null : JsonFields.OptionalString(auth, "session");
        if (id is null)
        {
            var created = new Session(NewSessionId(), endpoint, time.GetUtcNow() + SessionLifetime);
            sessions[created.Id] = created;
            return created;
        }

        if (!sessions.TryGetValue(id, out var session) || session.ExpiresAt <= time.GetUtcNow())
        {
            throw new MatrixError(StatusCodes.Status400BadRequest, "M_UNKNOWN", "Unknown or expired authentication session");
        }

        if (session.Endpoint != endpoint)
        {
            throw MatrixError.Forbidden("The authentication session belongs to another request");
        }

        return session;
    }

    private static IResult Render(Session session, IReadOnlyList<UiaFlow> flows, MatrixError? error)
    {
        var flowArray = new JsonArray();
        foreach (var flow in flows)
        {
            flowArray.Add((JsonNode)new JsonObject { ["stages"] = new JsonArray(flow.Stages.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()) });
        }

        JsonArray completed;
        lock (session)
        {
            completed = new JsonArray(session.Completed.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
        }

        var response = new JsonObject
        {
            ["flows"] = flowArray,
            ["params"] = new JsonObject(),
            ["session"] = session.Id,
            ["completed"] = completed,
        };
        if (error is not null)
        {
            response["errcode"] = error.ErrorCode;
            response["error"] = error.Message;
        }

        return TypedResults.Json(response, RanvierJsonContext.Default.JsonObject, statusCode: StatusCodes.Status401Unauthorized);
    }

    private async Task RemoveExpiredAsync()
    {
        var now = time.GetUtcNow();
        Func<string, Task>[] handlers;
        lock (expiryHandlers)
        {
            handlers = [.. expiryHandlers];
        }

        foreach (var (id, session) in sessions)
        {
            if (session.ExpiresAt <= now && sessions.TryRemove(id, out _))
            {
                foreach (var handler in handlers)
                {
                    await handler(id);
                }
            }
        }
    }

    private static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private sealed record Session(string Id, string Endpoint, DateTimeOffset ExpiresAt)
    {
        public HashSet<string> Completed { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>The result of a UIA step: either a 401 to send, or done (with a callback that ends the session).</summary>
public sealed class UiaOutcome
{
    private readonly Action? complete;

    private UiaOutcome(IResult? challenge, string? sessionId, Action? complete)
    {
        ChallengeResult = challenge;
        SessionId = sessionId;
        this.complete = complete;
    }

    /// <summary>The 401 response to send, or null when a flow is complete.</summary>
    public IResult? ChallengeResult { get; }

    /// <summary>The completed session's ID (null for a challenge), for state a stage tied to it.</summary>
    public string? SessionId { get; }

    internal static UiaOutcome Challenge(IResult result) => new(result, null, null);

    internal static UiaOutcome Done(string sessionId, Action complete) => new(null, sessionId, complete);

    /// <summary>Ends the session once the request it authorised has succeeded, so it cannot be replayed.</summary>
    public void Complete() => complete?.Invoke();
}
