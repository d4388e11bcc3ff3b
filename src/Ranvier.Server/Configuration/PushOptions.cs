using System.Net;

namespace Ranvier.Server.Configuration;

/// <summary>Delivery to push gateways: the <c>push:</c> section (docs/pushers.md).</summary>
public sealed record PushOptions
{
    /// <summary>Ranges push gateways may not be reached at, on top of the built-in private, loopback and reserved ones.</summary>
    public IReadOnlyList<IPNetwork> Denylist { get; init; } = [];

    /// <summary>Ranges push gateways may be reached at even when a deny range covers them (e.g. a gateway on 127.0.0.1).</summary>
    public IReadOnlyList<IPNetwork> Allowlist { get; init; } = [];

    /// <summary>How long one request to a gateway may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    internal static PushOptions From(PushConfig c, List<string> errors)
    {
        if (c.TimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"push.timeout_seconds: {c.TimeoutSeconds} is out of range (1–300).");
        }

        return new PushOptions
        {
            Denylist = MediaOptions.ParseRanges(c.IpRangeDenylist, "push.ip_range_denylist", errors),
            Allowlist = MediaOptions.ParseRanges(c.IpRangeAllowlist, "push.ip_range_allowlist", errors),
            Timeout = TimeSpan.FromSeconds(c.TimeoutSeconds),
        };
    }
}
