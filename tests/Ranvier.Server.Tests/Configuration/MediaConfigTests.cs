using System.Collections;
using System.Net;
using Ranvier.Server.Configuration;

namespace Ranvier.Server.Tests.Configuration;

public class MediaConfigTests
{
    private static readonly Hashtable NoEnvironment = [];

    [Fact]
    public void Defaults_keep_media_under_the_data_directory_frozen_legacy_endpoints_and_previews_off()
    {
        var options = ConfigLoader.FromYaml("data_directory: /srv/ranvier\n", null, NoEnvironment);

        options.Media.StorePath.ShouldBe(Path.GetFullPath("/srv/ranvier/media"));
        options.Media.MaxUploadSize.ShouldBe(50L * 1024 * 1024);
        options.Media.LegacyEndpoints.ShouldBe(LegacyMediaMode.Freeze);
        options.Media.LegacyFreezeTime.ShouldBeNull();
        options.Media.UserQuotaBytes.ShouldBeNull();
        options.Media.UrlPreview.Enabled.ShouldBeFalse();
    }

    [Fact]
    public void Media_keys_are_read()
    {
        var options = ConfigLoader.FromYaml(
            """
            media:
              store_path: /var/media
              max_upload_size: 1000
              max_image_pixels: 5000
              thumbnails: false
              user_quota_bytes: 9000
              max_pending_uploads: 3
              pending_upload_expiry_seconds: 120
              legacy_endpoints: serve
              legacy_freeze_time: "2026-03-01T12:00:00Z"
              url_preview:
                enabled: true
                ip_range_denylist: ["8.8.8.0/24"]
                ip_range_allowlist: ["10.1.2.3", "fd00::/8"]
                max_redirects: 2
                timeout_seconds: 3
                max_page_bytes: 2048
                cache_seconds: 60
            """,
            null,
            NoEnvironment);

        var media = options.Media;
        media.StorePath.ShouldBe("/var/media");
        (media.MaxUploadSize, media.MaxImagePixels, media.Thumbnails, media.UserQuotaBytes).ShouldBe((1000L, 5000L, false, (long?)9000));
        (media.MaxPendingUploads, media.PendingUploadExpiry).ShouldBe((3, TimeSpan.FromSeconds(120)));
        media.LegacyEndpoints.ShouldBe(LegacyMediaMode.Serve);
        media.LegacyFreezeTime.ShouldBe(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        media.UrlPreview.Denylist.ShouldBe([IPNetwork.Parse("8.8.8.0/24")]);
        media.UrlPreview.Allowlist.ShouldBe([IPNetwork.Parse("10.1.2.3/32"), IPNetwork.Parse("fd00::/8")]);
        (media.UrlPreview.MaxRedirects, media.UrlPreview.Timeout, media.UrlPreview.MaxPageBytes, media.UrlPreview.CacheFor)
            .ShouldBe((2, TimeSpan.FromSeconds(3), 2048, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Invalid_media_values_are_reported_by_key()
    {
        var error = Should.Throw<ConfigException>(() => ConfigLoader.FromYaml(
            """
            media:
              max_upload_size: 0
              legacy_endpoints: sometimes
              legacy_freeze_time: yesterday
              url_preview:
                ip_range_denylist: ["not-a-range"]
                max_redirects: 100
            """,
            null,
            NoEnvironment));

        error.Message.ShouldContain("media.max_upload_size");
        error.Message.ShouldContain("media.legacy_endpoints: 'sometimes'");
        error.Message.ShouldContain("media.legacy_freeze_time");
        error.Message.ShouldContain("media.url_preview.ip_range_denylist: 'not-a-range'");
        error.Message.ShouldContain("media.url_preview.max_redirects");
    }
}
