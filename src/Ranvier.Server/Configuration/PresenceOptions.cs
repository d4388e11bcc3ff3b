namespace Ranvier.Server.Configuration;

/// <summary>Presence's validated settings (the <c>presence:</c> section; docs/presence.md).</summary>
public sealed record PresenceOptions
{
    /// <summary>
    /// Whether the server tracks and shares presence. When off, PUT /presence is accepted and ignored, GET answers
    /// offline, and /sync carries no presence (as Synapse does with <c>use_presence: false</c>).
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>An online user with no activity for this long becomes unavailable (spec: "Idle timeout").</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A user not seen syncing (or otherwise) for this long goes offline; longer than a client's long-poll.</summary>
    public TimeSpan OfflineTimeout { get; init; } = TimeSpan.FromSeconds(60);

    internal static PresenceOptions From(PresenceConfig c, List<string> errors)
    {
        if (c.IdleTimeoutSeconds is < 1 or > 7 * 24 * 3600)
        {
            errors.Add($"presence.idle_timeout_seconds: {c.IdleTimeoutSeconds} is out of range (1–604800).");
        }

        if (c.OfflineTimeoutSeconds is < 1 or > 7 * 24 * 3600)
        {
            errors.Add($"presence.offline_timeout_seconds: {c.OfflineTimeoutSeconds} is out of range (1–604800).");
        }

        return new PresenceOptions
        {
            Enabled = c.Enabled,
            IdleTimeout = TimeSpan.FromSeconds(c.IdleTimeoutSeconds),
            OfflineTimeout = TimeSpan.FromSeconds(c.OfflineTimeoutSeconds),
        };
    }
}
