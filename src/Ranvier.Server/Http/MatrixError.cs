namespace Ranvier.Server.Http;

/// <summary>
/// A Matrix error response (spec: client-server-api "Standard error response"): an HTTP status, an
/// <c>errcode</c> and a human-readable <c>error</c>. Thrown anywhere below an endpoint and turned into the
/// response in exactly one place, <see cref="MatrixErrorMiddleware"/>.
/// </summary>
public sealed class MatrixError : Exception
{
    public MatrixError(int status, string errorCode, string message)
        : base(message)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    public MatrixError()
        : this(StatusCodes.Status500InternalServerError, "M_UNKNOWN", "Internal server error")
    {
    }

    public MatrixError(string message)
        : this(StatusCodes.Status400BadRequest, "M_UNKNOWN", message)
    {
    }

    public MatrixError(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = StatusCodes.Status500InternalServerError;
        ErrorCode = "M_UNKNOWN";
    }

    public int Status { get; }

    public string ErrorCode { get; }

    /// <summary>For <c>M_LIMIT_EXCEEDED</c>: how long the client should wait.</summary>
    public long? RetryAfterMs { get; init; }

    /// <summary>For <c>M_UNKNOWN_TOKEN</c>: the session may be resumed by logging in again on the same device.</summary>
    public bool? SoftLogout { get; init; }

    /// <summary>For <c>M_WRONG_ROOM_KEYS_VERSION</c>: the user's current key backup version.</summary>
    public string? CurrentVersion { get; init; }

    public static MatrixError Unrecognized(string message = "Unrecognized request") => new(404, "M_UNRECOGNIZED", message);

    public static MatrixError MethodNotAllowed() => new(405, "M_UNRECOGNIZED", "Method not allowed for this endpoint");

    public static MatrixError NotFound(string message) => new(404, "M_NOT_FOUND", message);

    public static MatrixError Forbidden(string message) => new(403, "M_FORBIDDEN", message);

    public static MatrixError NotJson(string message = "Content not JSON") => new(400, "M_NOT_JSON", message);

    public static MatrixError BadJson(string message) => new(400, "M_BAD_JSON", message);

    public static MatrixError MissingParam(string message) => new(400, "M_MISSING_PARAM", message);

    public static MatrixError InvalidParam(string message) => new(400, "M_INVALID_PARAM", message);

    public static MatrixError TooLarge(string message = "Request body too large") => new(413, "M_TOO_LARGE", message);

    public static MatrixError MissingToken() => new(401, "M_MISSING_TOKEN", "Missing access token");

    public static MatrixError UnknownToken(string message = "Unknown access token", bool softLogout = false) =>
        new(401, "M_UNKNOWN_TOKEN", message) { SoftLogout = softLogout };

    public static MatrixError LimitExceeded(TimeSpan retryAfter) =>
        new(429, "M_LIMIT_EXCEEDED", "Too many requests") { RetryAfterMs = (long)retryAfter.TotalMilliseconds };

    /// <summary>Keys were sent to a backup version that is not the current one (spec: PUT /room_keys/keys, 403).</summary>
    public static MatrixError WrongRoomKeysVersion(string currentVersion) =>
        new(403, "M_WRONG_ROOM_KEYS_VERSION", "Wrong backup version: keys can only be added to the current one") { CurrentVersion = currentVersion };

    public static MatrixError Unknown(string message = "Internal server error") => new(500, "M_UNKNOWN", message);
}
