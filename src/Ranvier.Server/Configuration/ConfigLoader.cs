using System.Collections;
using System.Globalization;
using System.Net;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;

namespace Ranvier.Server.Configuration;

/// <summary>
/// Reads ranvier.yaml (optional), layers the RANVIER_ environment variables over it and validates the
/// result into <see cref="RanvierOptions"/>. Every problem is reported at once, each naming its key, and
/// nothing starts on a bad configuration.
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "RANVIER_";

    /// <summary>Loads from a file (or the defaults when <paramref name="path"/> is null) and the process environment.</summary>
    public static RanvierOptions Load(string? path) => Load(path, Environment.GetEnvironmentVariables());

    /// <summary>Loads from a file (or defaults) and the given environment (for tests).</summary>
    public static RanvierOptions Load(string? path, IDictionary environment)
    {
        string yaml = "";
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                throw new ConfigException($"The configuration file '{path}' does not exist (write a sample with --generate-config).");
            }

            yaml = File.ReadAllText(path);
        }

        return FromYaml(yaml, path is null ? null : Path.GetFullPath(path), environment);
    }

    /// <summary>Validates configuration given as YAML text, with environment overrides.</summary>
    public static RanvierOptions FromYaml(string yaml, string? origin, IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var builder = new ConfigurationBuilder();
        builder.Add(new YamlConfigurationSource(yaml, origin ?? "configuration"));
        builder.AddInMemoryCollection(EnvironmentOverrides(environment));
        var configuration = builder.Build();
        var unknown = configuration.AsEnumerable()
            .Select(pair => pair.Key.Replace(ConfigurationPath.KeyDelimiter, ".", StringComparison.Ordinal))
            .Where(key => !ConfigKeys.IsKnown(key))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigException($"{origin ?? "configuration"}: unknown key(s) {string.Join(", ", unknown)} (see --generate-config for every key).");
        }

        var raw = new RanvierConfig();
        try
        {
            configuration.Bind(raw);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigException($"{origin ?? "configuration"}: {Describe(e)}", e);
        }

        return Validate(raw, origin);
    }

    // RANVIER_DATABASE__ENGINE=postgres overrides database.engine, as "__" stands for a level of nesting.
    private static Dictionary<string, string?> EnvironmentOverrides(IDictionary environment)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
            {
                var key = name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                overrides[key.ToLowerInvariant()] = entry.Value as string;
            }
        }

        return overrides;
    }

    // The binder's messages name the key in its own words ("configuration value at 'listen:port'"); make
    // them read as the file's dotted keys.
    private static string Describe(InvalidOperationException e)
    {
        var message = e.InnerException is FormatException or InvalidOperationException && e.InnerException.Message.Length > 0
            ? e.Message + " " + e.InnerException.Message
            : e.Message;
        return message.Replace(':', '.');
    }

    private static RanvierOptions Validate(RanvierConfig c, string? origin)
    {
        var errors = new List<string>();

        if (!IsValidServerName(c.ServerName))
        {
            errors.Add($"server_name: '{c.ServerName}' is not a valid server name (a DNS name or IP address, optionally with :port).");
        }

        if (!IPAddress.TryParse(c.Listen.Address, out var address))
        {
            errors.Add($"listen.address: '{c.Listen.Address}' is not an IP address.");
        }

        var trustedProxies = new List<IPAddress>();
        foreach (var proxy in c.Listen.TrustedProxies)
        {
            if (IPAddress.TryParse(proxy, out var proxyAddress))
            {
                trustedProxies.Add(proxyAddress);
            }
            else
            {
                errors.Add($"listen.trusted_proxies: '{proxy}' is not an IP address.");
            }
        }

        if (c.Listen.Port is < 0 or > 65535)
        {
            errors.Add($"listen.port: {c.Listen.Port} is not a port number (0–65535; 0 picks a free port).");
        }

        var engine = ParseEnum<DatabaseEngine>(c.Database.Engine, "database.engine", errors);
        var synchronous = ParseEnum<SqliteSynchronous>(c.Database.SqliteSynchronous, "database.sqlite_synchronous", errors);
        if (engine == DatabaseEngine.Postgres)
        {
            if (string.IsNullOrWhiteSpace(c.Database.PostgresConnectionString))
            {
                errors.Add("database.postgres_connection_string: required when database.engine is postgres.");
            }
            else
            {
                errors.Add("database.engine: postgres is not supported yet by this version of Ranvier; use sqlite.");
            }
        }

        if (c.KeyValidityHours is < 1 or > 24 * 7)
        {
            errors.Add($"key_validity_hours: {c.KeyValidityHours} is out of range (1–168; the spec caps it at 7 days).");
        }

        Uri? baseUrl = null;
        if (c.PublicBaseUrl is not null && !TryHttpUrl(c.PublicBaseUrl, out baseUrl))
        {
            errors.Add($"public_baseurl: '{c.PublicBaseUrl}' is not an absolute http(s) URL.");
        }

        Uri? clientBaseUrl = null;
        if (c.WellKnown.ClientBaseUrl is not null && !TryHttpUrl(c.WellKnown.ClientBaseUrl, out clientBaseUrl))
        {
            errors.Add($"well_known.client_base_url: '{c.WellKnown.ClientBaseUrl}' is not an absolute http(s) URL.");
        }

        if (c.WellKnown.ServerDelegation is { } delegation && !IsValidServerName(delegation))
        {
            errors.Add($"well_known.server_delegation: '{delegation}' is not a host name with an optional port.");
        }

        if (c.Limits.MaxRequestBodyBytes < 1024)
        {
            errors.Add("limits.max_request_body_bytes: must be at least 1024.");
        }

        if (c.Limits.MaxJsonBodyBytes < 1024 || c.Limits.MaxJsonBodyBytes > c.Limits.MaxRequestBodyBytes)
        {
            errors.Add("limits.max_json_body_bytes: must be at least 1024 and at most limits.max_request_body_bytes.");
        }

        var registration = ParseEnum<RegistrationMode>(c.Registration.Mode, "registration.mode", errors);
        if (c.PasswordHashing.Iterations is < 1 or > 100)
        {
            errors.Add($"password_hashing.iterations: {c.PasswordHashing.Iterations} is out of range (1–100).");
        }

        if (c.PasswordHashing.MemoryKib is < 64 or > 4 * 1024 * 1024)
        {
            errors.Add($"password_hashing.memory_kib: {c.PasswordHashing.MemoryKib} is out of range (64–4194304).");
        }

        if (c.Registration.SharedSecret is { } secret && secret.Trim().Length < 16)
        {
            errors.Add("registration.shared_secret: must be at least 16 characters (leave it unset to disable shared-secret registration).");
        }

        var loginPerIp = ParseRateLimit(c.RateLimits.LoginPerIp, "rate_limits.login_per_ip", errors);
        var loginPerAccount = ParseRateLimit(c.RateLimits.LoginPerAccount, "rate_limits.login_per_account", errors);
        var registrationPerIp = ParseRateLimit(c.RateLimits.RegistrationPerIp, "rate_limits.registration_per_ip", errors);

        if (c.RefreshTokens.AccessTokenLifetimeSeconds is < 10 or > 7 * 24 * 3600)
        {
            errors.Add($"refresh_tokens.access_token_lifetime_seconds: {c.RefreshTokens.AccessTokenLifetimeSeconds} is out of range (10–604800).");
        }

        var level = ParseLogLevel(c.Logging.Level, errors);
        var format = ParseEnum<LogFormat>(c.Logging.Format, "logging.format", errors);

        var defaultRoomVersion = Protocol.Rooms.RoomVersions.Find(c.Rooms.DefaultRoomVersion);
        if (defaultRoomVersion is null)
        {
            errors.Add($"rooms.default_room_version: '{c.Rooms.DefaultRoomVersion}' is not a room version this server supports (1–12).");
        }

        if (string.IsNullOrWhiteSpace(c.DataDirectory))
        {
            errors.Add("data_directory: must not be empty.");
        }

        var media = MediaOptions.From(c.Media, string.IsNullOrWhiteSpace(c.DataDirectory) ? "." : Path.GetFullPath(c.DataDirectory), errors);

        var presence = PresenceOptions.From(c.Presence, errors);

        var push = PushOptions.From(c.Push, errors);

        if (errors.Count > 0)
        {
            throw new ConfigException(
                $"{origin ?? "The configuration"} is not valid:" + string.Concat(errors.Select(e => Environment.NewLine + "  - " + e)));
        }

        var dataDirectory = Path.GetFullPath(c.DataDirectory);
        return new RanvierOptions
        {
            ServerName = c.ServerName,
            PublicBaseUrl = baseUrl,
            DataDirectory = dataDirectory,
            ListenAddress = address!,
            ListenPort = c.Listen.Port,
            TrustedProxies = trustedProxies.Count == 0 ? Array.Empty<IPAddress>() : trustedProxies.ToArray(),
            DatabaseEngine = engine,
            SqlitePath = Path.GetFullPath(c.Database.SqlitePath ?? Path.Combine(dataDirectory, "ranvier.db")),
            SqliteSynchronous = synchronous,
            PostgresConnectionString = c.Database.PostgresConnectionString,
            SigningKeyPath = Path.GetFullPath(c.SigningKeyPath ?? Path.Combine(dataDirectory, "signing.key")),
            KeyValidity = TimeSpan.FromHours(c.KeyValidityHours),
            WellKnownClientBaseUrl = clientBaseUrl,
            WellKnownServerDelegation = c.WellKnown.ServerDelegation,
            MaxRequestBodyBytes = c.Limits.MaxRequestBodyBytes,
            MaxJsonBodyBytes = c.Limits.MaxJsonBodyBytes,
            LogLevel = level,
            LogFormat = format,
            RegistrationMode = registration,
            RefreshableAccessTokenLifetime = TimeSpan.FromSeconds(c.RefreshTokens.AccessTokenLifetimeSeconds),
            PasswordHashCost = new PasswordHashCost(c.PasswordHashing.Iterations, c.PasswordHashing.MemoryKib),
            AllowGuests = c.Registration.AllowGuests,
            RegistrationSharedSecret = c.Registration.SharedSecret,
            LoginPerIp = loginPerIp,
            LoginPerAccount = loginPerAccount,
            RegistrationPerIp = registrationPerIp,
            Media = media,
            Presence = presence,
            Push = push,
            DefaultRoomVersion = defaultRoomVersion!,
            ConfigPath = origin,
        };
    }

    private static bool TryHttpUrl(string text, out Uri? url)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
        {
            url = text.EndsWith('/') ? parsed : new Uri(text + "/");
            return true;
        }

        url = null;
        return false;
    }

    // Server names per the spec's grammar: host (DNS name, IPv4 or [IPv6]) with an optional port.
    // Server names per the spec's grammar: host (DNS name, IPv4 or [IPv6]) with an optional port.
    private static bool IsValidServerName(string name) => ServerName.TryParse(name, out _);

    private static T ParseEnum<T>(string value, string key, List<string> errors)
        where T : struct, Enum
    {
        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            return parsed;
        }

        var allowed = string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        errors.Add($"{key}: '{value}' is not one of {allowed}.");
        return default;
    }

    private static RateLimit ParseRateLimit(RateLimitConfig limit, string key, List<string> errors)
    {
        if (!double.IsFinite(limit.PerSecond) || limit.PerSecond <= 0 || limit.PerSecond > 1_000_000)
        {
            errors.Add($"{key}.per_second: {limit.PerSecond.ToString(CultureInfo.InvariantCulture)} must be above 0 (and at most 1000000).");
        }

        if (limit.Burst is < 1 or > 1_000_000)
        {
            errors.Add($"{key}.burst: {limit.Burst} is out of range (1–1000000).");
        }

        return new RateLimit(limit.PerSecond, limit.Burst);
    }

    private static LogLevel ParseLogLevel(string value, List<string> errors)
    {
        if (Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level)
            && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            return level;
        }

        errors.Add($"logging.level: '{value}' is not one of trace, debug, information, warning, error, critical, none.");
        return LogLevel.Information;
    }
}
