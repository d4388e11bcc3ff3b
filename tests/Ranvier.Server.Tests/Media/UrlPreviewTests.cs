using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Media.MediaClient;

namespace Ranvier.Server.Tests.Media;

public sealed class UrlPreviewTests
{
    private const string AllowLoopback1 = "media:\n  url_preview:\n    enabled: true\n    ip_range_allowlist: [\"127.0.0.1/32\"]\n";

    private static Task<HttpResponseMessage> PreviewAsync(TestHost host, string token, string url) =>
        host.Client.GetMediaAsync($"{Authenticated}/preview_url?url={Uri.EscapeDataString(url)}", token);

    [Fact]
    public async Task A_page_on_a_loopback_address_is_refused_by_default_without_connecting()
    {
        await using var pages = await PageServer.StartAsync(TestImages.Png(8, 8));
        await using var host = await TestHost.StartAsync("media:\n  url_preview:\n    enabled: true\n");
        var token = await host.CreateUserWithTokenAsync("alice");

        await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/page").ToString())).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await PreviewAsync(host, token, $"http://localhost:{pages.BaseUrl.Port}/page")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await PreviewAsync(host, token, $"http://[::ffff:127.0.0.1]:{pages.BaseUrl.Port}/page")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        pages.Hits.ShouldBe(0);
    }

    [Fact]
    public async Task An_allowed_page_gives_its_OpenGraph_data_and_its_image_as_media()
    {
        var image = TestImages.Png(60, 30);
        await using var pages = await PageServer.StartAsync(image);
        await using var host = await TestHost.StartAsync(AllowLoopback1);
        var token = await host.CreateUserWithTokenAsync("alice");

        var preview = await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/page").ToString())).ShouldBeOkJsonAsync();

        preview.GetProperty("og:title").GetString().ShouldBe("A & B");
        preview.GetProperty("og:description").GetString().ShouldBe("Two lines of text");
        preview.GetProperty("og:site_name").GetString().ShouldBe("Example");
        preview.GetProperty("og:image:type").GetString().ShouldBe("image/png");
        preview.GetProperty("matrix:image:size").GetInt64().ShouldBe(image.Length);
        preview.GetProperty("og:image:width").GetInt32().ShouldBe(60);
        preview.GetProperty("og:image:height").GetInt32().ShouldBe(30);
        var (server, mediaId) = SplitMxc(preview.GetProperty("og:image").GetString()!);
        (await (await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}", token)).ShouldBeOkBytesAsync()).ShouldBe(image);
    }

    [Fact]
    public async Task Without_OpenGraph_the_title_and_description_tags_stand_in()
    {
        await using var pages = await PageServer.StartAsync(TestImages.Png(8, 8));
        await using var host = await TestHost.StartAsync(AllowLoopback1);
        var token = await host.CreateUserWithTokenAsync("alice");

        var preview = await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/plain").ToString())).ShouldBeOkJsonAsync();

        preview.GetProperty("og:title").GetString().ShouldBe("Just a title");
        preview.GetProperty("og:description").GetString().ShouldBe("From the description tag");
        preview.TryGetProperty("og:image", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_URL_of_an_image_previews_as_that_image()
    {
        var image = TestImages.Png(10, 20);
        await using var pages = await PageServer.StartAsync(image);
        await using var host = await TestHost.StartAsync(AllowLoopback1);
        var token = await host.CreateUserWithTokenAsync("alice");

        var preview = await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/image.png").ToString())).ShouldBeOkJsonAsync();

        preview.GetProperty("og:image").GetString()!.ShouldStartWith("mxc://");
        preview.GetProperty("og:image:height").GetInt32().ShouldBe(20);
    }

    [Fact]
    public async Task Redirects_are_followed_within_the_limit_and_each_target_is_checked_again()
    {
        await using var pages = await PageServer.StartAsync(TestImages.Png(8, 8));
        await using var host = await TestHost.StartAsync(AllowLoopback1);
        var token = await host.CreateUserWithTokenAsync("alice");

        (await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/redirect").ToString())).ShouldBeOkJsonAsync())
            .GetProperty("og:title").GetString().ShouldBe("A & B");
        // 127.0.0.2 is loopback and not on the allow list: the hop after the redirect is refused.
        await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/redirect-inside").ToString())).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        var hitsBeforeLoop = pages.Hits;
        await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/loop").ToString())).ShouldBeMatrixErrorAsync(HttpStatusCode.BadGateway, "M_UNKNOWN");
        (pages.Hits - hitsBeforeLoop).ShouldBe(6);
    }

    [Fact]
    public async Task A_denied_range_wins_unless_allowed_and_errors_are_reported()
    {
        await using var pages = await PageServer.StartAsync(TestImages.Png(8, 8));
        await using var host = await TestHost.StartAsync(AllowLoopback1);
        var token = await host.CreateUserWithTokenAsync("alice");

        await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/missing").ToString())).ShouldBeMatrixErrorAsync(HttpStatusCode.BadGateway, "M_UNKNOWN");
        await (await PreviewAsync(host, token, "ftp://example.org/")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await PreviewAsync(host, token, "not a url")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.GetMediaAsync($"{Authenticated}/preview_url", token)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task A_big_page_is_read_only_up_to_the_cap()
    {
        await using var pages = await PageServer.StartAsync(TestImages.Png(8, 8));
        await using var host = await TestHost.StartAsync(AllowLoopback1 + "    max_page_bytes: 4096\n  max_upload_size: 8192\n");
        var token = await host.CreateUserWithTokenAsync("alice");

        (await (await PreviewAsync(host, token, new Uri(pages.BaseUrl, "/big").ToString())).ShouldBeOkJsonAsync())
            .GetProperty("og:title").GetString().ShouldBe("big");
    }

    [Fact]
    public async Task Previews_are_cached_per_URL()
    {
        await using var pages = await PageServer.StartAsync(TestImages.Png(8, 8));
        await using var host = await TestHost.StartAsync(AllowLoopback1);
        var token = await host.CreateUserWithTokenAsync("alice");
        var url = new Uri(pages.BaseUrl, "/counter").ToString();

        var first = await (await PreviewAsync(host, token, url)).ShouldBeOkJsonAsync();
        var second = await (await PreviewAsync(host, token, url)).ShouldBeOkJsonAsync();

        first.GetProperty("og:title").GetString().ShouldBe("visit 1");
        JsonSerializer.Serialize(second).ShouldBe(JsonSerializer.Serialize(first));
        pages.Hits.ShouldBe(1);
    }

    [Fact]
    public async Task Previews_are_off_unless_enabled()
    {
        await using var host = await TestHost.StartAsync();
        var token = await host.CreateUserWithTokenAsync("alice");

        await (await PreviewAsync(host, token, "https://example.org/")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }
}
