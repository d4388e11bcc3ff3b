using System.Globalization;
using System.Net;

namespace Ranvier.Server.Configuration;

/// <summary>What the deprecated unauthenticated <c>/_matrix/media/v3</c> download and thumbnail endpoints serve.</summary>
public enum LegacyMediaMode
{
    /// <summary>Every piece of media, as before Matrix 1.11.</summary>
    Serve,

    /// <summary>
    /// Only media uploaded before <see cref="MediaOptions.LegacyFreezeTime"/> (none when it is unset); newer media
    /// answers 404 M_NOT_FOUND there (spec: content repository, the "freeze" of v1.12).
    /// </summary>
    Freeze,
}

/// <summary>Outbound requests of URL previews (spec: GET /media/preview_url).</summary>
public sealed record UrlPreviewOptions
{
    public bool Enabled { get; init; }

    /// <summary>Ranges refused on top of the built-in private, loopback, link-local and reserved ones.</summary>
    public IReadOnlyList<IPNetwork> Denylist { get; init; } = [];

    /// <summary>Ranges allowed even when a deny range covers them.</summary>
    public IReadOnlyList<IPNetwork> Allowlist { get; init; } = [];

    public int MaxRedirects { get; init; } = 5;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxPageBytes { get; init; } = 1024 * 1024;

    public TimeSpan CacheFor { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>The media repository's validated settings (the <c>media:</c> section).</summary>
public sealed record MediaOptions
{
    /// <summary>The directory holding the content-addressed files (absolute).</summary>
    public required string StorePath { get; init; }

    public long MaxUploadSize { get; init; } = 50L * 1024 * 1024;

    /// <summary>Images with more pixels (width × height, read from the header) are never decoded.</summary>
    public long MaxImagePixels { get; init; } = 32_000_000;

    /// <summary>Whether thumbnails are made (when libvips is present).</summary>
    public bool Thumbnails { get; init; } = true;

    /// <summary>Bytes each user may have uploaded in total; null: no quota.</summary>
    public long? UserQuotaBytes { get; init; }

    public int MaxPendingUploads { get; init; } = 10;

    public TimeSpan PendingUploadExpiry { get; init; } = TimeSpan.FromHours(24);

    public LegacyMediaMode LegacyEndpoints { get; init; } = LegacyMediaMode.Freeze;

    /// <summary>In <see cref="LegacyMediaMode.Freeze"/>: media uploaded before this stays on the legacy endpoints.</summary>
    public DateTimeOffset? LegacyFreezeTime { get; init; }

    public UrlPreviewOptions UrlPreview { get; init; } = new();

    /// <summary>Validates the <c>media:</c> section; the store path is made absolute under <paramref name="dataDirectory"/>.</summary>
    internal static MediaOptions From(MediaConfig c, string dataDirectory, List<string> errors)
    {
        if (c.MaxUploadSize < 1)
        {
            errors.Add("media.max_upload_size: must be at least 1.");
        }

        if (c.MaxImagePixels < 1)
        {
            errors.Add("media.max_image_pixels: must be at least 1.");
        }

        if (c.UserQuotaBytes < 0)
        {
            errors.Add("media.user_quota_bytes: must not be negative (0: no quota).");
        }

        if (c.MaxPendingUploads < 1)
        {
            errors.Add("media.max_pending_uploads: must be at least 1.");
        }

        if (c.PendingUploadExpirySeconds is < 60 or > 7 * 24 * 3600)
        {
            errors.Add($"media.pending_upload_expiry_seconds: {c.PendingUploadExpirySeconds} is out of range (60–604800).");
        }

        var mode = LegacyMediaMode.Freeze;
        if (!Enum.TryParse(c.LegacyEndpoints, ignoreCase: true, out mode) || !Enum.IsDefined(mode) || int.TryParse(c.LegacyEndpoints, CultureInfo.InvariantCulture, out _))
        {
            errors.Add($"media.legacy_endpoints: '{c.LegacyEndpoints}' is not one of serve, freeze.");
        }

        DateTimeOffset? freezeTime = null;
        if (c.LegacyFreezeTime is { } text)
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                freezeTime = parsed;
            }
            else
            {
                errors.Add($"media.legacy_freeze_time: '{text}' is not a date and time (e.g. 2026-01-01T00:00:00Z).");
            }
        }

        var preview = c.UrlPreview;
        if (preview.MaxRedirects is < 0 or > 20)
        {
            errors.Add($"media.url_preview.max_redirects: {preview.MaxRedirects} is out of range (0–20).");
        }

        if (preview.TimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"media.url_preview.timeout_seconds: {preview.TimeoutSeconds} is out of range (1–300).");
        }

        if (preview.MaxPageBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"media.url_preview.max_page_bytes: {preview.MaxPageBytes} is out of range (1024–67108864).");
        }

        if (preview.CacheSeconds is < 0 or > 7 * 24 * 3600)
        {
            errors.Add($"media.url_preview.cache_seconds: {preview.CacheSeconds} is out of range (0–604800).");
        }

        return new MediaOptions
        {
            StorePath = Path.GetFullPath(c.StorePath ?? Path.Combine(dataDirectory, "media")),
            MaxUploadSize = c.MaxUploadSize,
            MaxImagePixels = c.MaxImagePixels,
            Thumbnails = c.Thumbnails,
            UserQuotaBytes = c.UserQuotaBytes > 0 ? c.UserQuotaBytes : null,
            MaxPendingUploads = c.MaxPendingUploads,
            PendingUploadExpiry = TimeSpan.FromSeconds(c.PendingUploadExpirySeconds),
            LegacyEndpoints = mode,
            LegacyFreezeTime = freezeTime,
            UrlPreview = new UrlPreviewOptions
            {
                Enabled = preview.Enabled,
                Denylist = ParseRanges(preview.IpRangeDenylist, "media.url_preview.ip_range_denylist", errors),
                Allowlist = ParseRanges(preview.IpRangeAllowlist, "media.url_preview.ip_range_allowlist", errors),
                MaxRedirects = preview.MaxRedirects,
                Timeout = TimeSpan.FromSeconds(preview.TimeoutSeconds),
                MaxPageBytes = preview.MaxPageBytes,
                CacheFor = TimeSpan.FromSeconds(preview.CacheSeconds),
            },
        };
    }

    /// <summary>Parses a list of CIDR ranges ("10.0.0.0/8", or a single address meaning just itself), naming <paramref name="key"/> in errors.</summary>
    internal static IPNetwork[] ParseRanges(List<string> ranges, string key, List<string> errors)
    {
        var parsed = new List<IPNetwork>();
        foreach (var range in ranges)
        {
            if (IPNetwork.TryParse(range, out var network))
            {
                parsed.Add(network);
            }
            else if (IPAddress.TryParse(range, out var address))
            {
                parsed.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                errors.Add($"{key}: '{range}' is not an IP address or CIDR range.");
            }
        }

        // The shared empty array keeps two loads of the same file equal (RanvierOptions is compared as a value).
        return parsed.Count == 0 ? Array.Empty<IPNetwork>() : [.. parsed];
    }
}
