using System.Net;
using Ranvier.Protocol.Crypto;

namespace Ranvier.Server.Configuration;

/// <summary>The database engines Ranvier can run on.</summary>
public enum DatabaseEngine
{
    Sqlite,
    Postgres,
}

/// <summary>How hard SQLite works to keep the last commits on power loss (a process crash loses nothing in either mode).</summary>
public enum SqliteSynchronous
{
    Normal,
    Full,
}

/// <summary>Who may create an account through <c>POST /register</c>.</summary>
public enum RegistrationMode
{
    /// <summary>Nobody: accounts come from an administrator.</summary>
    Closed,

    /// <summary>Anyone who can reach the server.</summary>
    Open,

    /// <summary>Anyone holding a registration token (spec: "Token-authenticated registration").</summary>
    Token,
}

/// <summary>A token bucket: <paramref name="Burst"/> requests at once, refilled at <paramref name="PerSecond"/>.</summary>
public sealed record RateLimit(double PerSecond, int Burst);

/// <summary>The console log's shape.</summary>
public enum LogFormat
{
    Text,
    Json,
}

/// <summary>
/// The validated, immutable configuration. Built only by <see cref="ConfigLoader"/>, so every instance the
/// server sees has passed validation; paths are absolute.
/// </summary>
public sealed record RanvierOptions
{
    /// <summary>The server name: the part after the colon in this server's user IDs.</summary>
    public required string ServerName { get; init; }

    /// <summary>
    /// The URL clients use to reach this server (ends with '/'); null when not configured, and then a client is told
    /// the origin it used itself (a zero-config server cannot know its public address).
    /// </summary>
    public required Uri? PublicBaseUrl { get; init; }

    public required string DataDirectory { get; init; }

    public required IPAddress ListenAddress { get; init; }

    public required int ListenPort { get; init; }

    /// <summary>Reverse proxies whose X-Forwarded-For names the real client (rate limits, last-seen IPs); none by default.</summary>
    public IReadOnlyList<IPAddress> TrustedProxies { get; init; } = [];

    public required DatabaseEngine DatabaseEngine { get; init; }

    public required string SqlitePath { get; init; }

    public required SqliteSynchronous SqliteSynchronous { get; init; }

    public string? PostgresConnectionString { get; init; }

    public required string SigningKeyPath { get; init; }

    /// <summary>How long other servers may cache our verify keys (the key server's <c>valid_until_ts</c>).</summary>
    public required TimeSpan KeyValidity { get; init; }

    /// <summary>The <c>m.homeserver.base_url</c> of /.well-known/matrix/client; none means that endpoint answers 404.</summary>
    public Uri? WellKnownClientBaseUrl { get; init; }

    /// <summary>The <c>m.server</c> of /.well-known/matrix/server; none means that endpoint answers 404.</summary>
    public string? WellKnownServerDelegation { get; init; }

    public required long MaxRequestBodyBytes { get; init; }

    public required int MaxJsonBodyBytes { get; init; }

    public required LogLevel LogLevel { get; init; }

    public required LogFormat LogFormat { get; init; }

    public required RegistrationMode RegistrationMode { get; init; }

    /// <summary>How long an access token lives when the client asked for a refresh token.</summary>
    public required TimeSpan RefreshableAccessTokenLifetime { get; init; }

    public required PasswordHashCost PasswordHashCost { get; init; }

    /// <summary>Whether <c>POST /register?kind=guest</c> creates guest accounts (spec: "Guest access").</summary>
    public bool AllowGuests { get; init; }

    /// <summary>The key of Synapse-compatible shared-secret registration; none disables it.</summary>
    public string? RegistrationSharedSecret { get; init; }

    /// <summary>Attempts at POST /login from one client IP address.</summary>
    public required RateLimit LoginPerIp { get; init; }

    /// <summary>Attempts at POST /login that name one account, from anywhere.</summary>
    public required RateLimit LoginPerAccount { get; init; }

    /// <summary>Requests to POST /register (and the other registration endpoints) from one client IP address.</summary>
    public required RateLimit RegistrationPerIp { get; init; }

    /// <summary>The media repository (the <c>media:</c> section).</summary>
    public required MediaOptions Media { get; init; }

    /// <summary>Presence (the <c>presence:</c> section).</summary>
    public PresenceOptions Presence { get; init; } = new();

    /// <summary>Delivery to push gateways (the <c>push:</c> section).</summary>
    public PushOptions Push { get; init; } = new();

    /// <summary>Where the configuration came from: a file path, or null for the built-in defaults.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>The room version of rooms created without one (spec: the version it recommends, "12" in v1.19).</summary>
    public Protocol.Rooms.RoomVersion DefaultRoomVersion { get; init; } = Protocol.Rooms.RoomVersions.Default;
}
