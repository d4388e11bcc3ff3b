
namespace Ranvier.Server.Configuration;

// The raw, bindable shape of ranvier.yaml. Keys are snake_case as in the file; RanvierOptions is the
// validated, immutable form the rest of the server sees. Every key here must be documented in
// ranvier.sample.yaml (a test checks it).

/// <summary>ranvier.yaml as written by an administrator, before validation.</summary>
internal sealed class RanvierConfig
{
    [ConfigurationKeyName("server_name")]
    public string ServerName { get; set; } = "localhost:8008";

    [ConfigurationKeyName("public_baseurl")]
    public string? PublicBaseUrl { get; set; }

    [ConfigurationKeyName("data_directory")]
    public string DataDirectory { get; set; } = "./data";

    [ConfigurationKeyName("listen")]
    public ListenConfig Listen { get; set; } = new();

    [ConfigurationKeyName("database")]
    public DatabaseConfig Database { get; set; } = new();

    [ConfigurationKeyName("signing_key_path")]
    public string? SigningKeyPath { get; set; }

    [ConfigurationKeyName("key_validity_hours")]
    public int KeyValidityHours { get; set; } = 24;

    [ConfigurationKeyName("well_known")]
    public WellKnownConfig WellKnown { get; set; } = new();

    [ConfigurationKeyName("limits")]
    public LimitsConfig Limits { get; set; } = new();

    [ConfigurationKeyName("logging")]
    public LoggingConfig Logging { get; set; } = new();

    [ConfigurationKeyName("refresh_tokens")]
    public RefreshTokensConfig RefreshTokens { get; set; } = new();

    [ConfigurationKeyName("registration")]
    public RegistrationConfig Registration { get; set; } = new();

    [ConfigurationKeyName("password_hashing")]
    public PasswordHashingConfig PasswordHashing { get; set; } = new();

    [ConfigurationKeyName("rate_limits")]
    public RateLimitsConfig RateLimits { get; set; } = new();

    [ConfigurationKeyName("rooms")]
    public RoomsConfig Rooms { get; set; } = new();

    [ConfigurationKeyName("media")]
    public MediaConfig Media { get; set; } = new();

    [ConfigurationKeyName("presence")]
    public PresenceConfig Presence { get; set; } = new();

    [ConfigurationKeyName("push")]
    public PushConfig Push { get; set; } = new();
}

internal sealed class PushConfig
{
    [ConfigurationKeyName("ip_range_denylist")]
    public List<string> IpRangeDenylist { get; set; } = [];

    [ConfigurationKeyName("ip_range_allowlist")]
    public List<string> IpRangeAllowlist { get; set; } = [];

    [ConfigurationKeyName("timeout_seconds")]
    public int TimeoutSeconds { get; set; } = 10;
}

internal sealed class PresenceConfig
{
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    [ConfigurationKeyName("idle_timeout_seconds")]
    public int IdleTimeoutSeconds { get; set; } = 300;

    [ConfigurationKeyName("offline_timeout_seconds")]
    public int OfflineTimeoutSeconds { get; set; } = 60;
}

internal sealed class RoomsConfig
{
    [ConfigurationKeyName("default_room_version")]
    public string DefaultRoomVersion { get; set; } = Protocol.Rooms.RoomVersions.DefaultId;
}

internal sealed class MediaConfig
{
    [ConfigurationKeyName("store_path")]
    public string? StorePath { get; set; }

    [ConfigurationKeyName("max_upload_size")]
    public long MaxUploadSize { get; set; } = 50L * 1024 * 1024;

    [ConfigurationKeyName("max_image_pixels")]
    public long MaxImagePixels { get; set; } = 32_000_000;

    [ConfigurationKeyName("thumbnails")]
    public bool Thumbnails { get; set; } = true;

    [ConfigurationKeyName("user_quota_bytes")]
    public long UserQuotaBytes { get; set; }

    [ConfigurationKeyName("max_pending_uploads")]
    public int MaxPendingUploads { get; set; } = 10;

    [ConfigurationKeyName("pending_upload_expiry_seconds")]
    public int PendingUploadExpirySeconds { get; set; } = 24 * 3600;

    [ConfigurationKeyName("legacy_endpoints")]
    public string LegacyEndpoints { get; set; } = "freeze";

    [ConfigurationKeyName("legacy_freeze_time")]
    public string? LegacyFreezeTime { get; set; }

    [ConfigurationKeyName("url_preview")]
    public UrlPreviewConfig UrlPreview { get; set; } = new();
}

internal sealed class UrlPreviewConfig
{
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; }

    [ConfigurationKeyName("ip_range_denylist")]
    public List<string> IpRangeDenylist { get; set; } = [];

    [ConfigurationKeyName("ip_range_allowlist")]
    public List<string> IpRangeAllowlist { get; set; } = [];

    [ConfigurationKeyName("max_redirects")]
    public int MaxRedirects { get; set; } = 5;

    [ConfigurationKeyName("timeout_seconds")]
    public int TimeoutSeconds { get; set; } = 10;

    [ConfigurationKeyName("max_page_bytes")]
    public int MaxPageBytes { get; set; } = 1024 * 1024;

    [ConfigurationKeyName("cache_seconds")]
    public int CacheSeconds { get; set; } = 3600;
}

internal sealed class RateLimitsConfig
{
    [ConfigurationKeyName("login_per_ip")]
    public RateLimitConfig LoginPerIp { get; set; } = new() { PerSecond = 1, Burst = 30 };

    [ConfigurationKeyName("login_per_account")]
    public RateLimitConfig LoginPerAccount { get; set; } = new() { PerSecond = 0.5, Burst = 10 };

    [ConfigurationKeyName("registration_per_ip")]
    public RateLimitConfig RegistrationPerIp { get; set; } = new() { PerSecond = 1, Burst = 50 };
}

internal sealed class RateLimitConfig
{
    [ConfigurationKeyName("per_second")]
    public double PerSecond { get; set; }

    [ConfigurationKeyName("burst")]
    public int Burst { get; set; }
}

internal sealed class RegistrationConfig
{
    [ConfigurationKeyName("mode")]
    public string Mode { get; set; } = "closed";

    [ConfigurationKeyName("allow_guests")]
    public bool AllowGuests { get; set; }

    [ConfigurationKeyName("shared_secret")]
    public string? SharedSecret { get; set; }
}

internal sealed class PasswordHashingConfig
{
    [ConfigurationKeyName("iterations")]
    public int Iterations { get; set; } = 2;

    [ConfigurationKeyName("memory_kib")]
    public int MemoryKib { get; set; } = 65536;
}

internal sealed class ListenConfig
{
    [ConfigurationKeyName("address")]
    public string Address { get; set; } = "127.0.0.1";

    [ConfigurationKeyName("port")]
    public int Port { get; set; } = 8008;

    [ConfigurationKeyName("trusted_proxies")]
    public List<string> TrustedProxies { get; set; } = [];
}

internal sealed class DatabaseConfig
{
    [ConfigurationKeyName("engine")]
    public string Engine { get; set; } = "sqlite";

    [ConfigurationKeyName("sqlite_path")]
    public string? SqlitePath { get; set; }

    [ConfigurationKeyName("sqlite_synchronous")]
    public string SqliteSynchronous { get; set; } = "normal";

    [ConfigurationKeyName("postgres_connection_string")]
    public string? PostgresConnectionString { get; set; }
}

internal sealed class WellKnownConfig
{
    [ConfigurationKeyName("client_base_url")]
    public string? ClientBaseUrl { get; set; }

    [ConfigurationKeyName("server_delegation")]
    public string? ServerDelegation { get; set; }
}

internal sealed class LimitsConfig
{
    [ConfigurationKeyName("max_request_body_bytes")]
    public long MaxRequestBodyBytes { get; set; } = 50L * 1024 * 1024;

    [ConfigurationKeyName("max_json_body_bytes")]
    public int MaxJsonBodyBytes { get; set; } = 1024 * 1024;
}

internal sealed class LoggingConfig
{
    [ConfigurationKeyName("level")]
    public string Level { get; set; } = "information";

    [ConfigurationKeyName("format")]
    public string Format { get; set; } = "text";
}

internal sealed class RefreshTokensConfig
{
    [ConfigurationKeyName("access_token_lifetime_seconds")]
    public int AccessTokenLifetimeSeconds { get; set; } = 300;
}
