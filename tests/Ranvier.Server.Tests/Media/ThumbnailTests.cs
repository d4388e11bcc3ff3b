using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Media;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Media;
using static Ranvier.Server.Tests.Media.MediaClient;

namespace Ranvier.Server.Tests.Media;

/// <summary>Thumbnails need libvips (libvips42, installed by scripts/install-test-deps.sh); these fail without it.</summary>
public sealed class ThumbnailTests
{
    private static async Task<(TestHost Host, string Token, string Server, string MediaId)> StartWithImageAsync(byte[] image, string yaml = "")
    {
        var host = await TestHost.StartAsync(yaml);
        host.Services.GetRequiredService<ThumbnailService>().UnavailableReason.ShouldBeNull("libvips42 must be installed for these tests (scripts/install-test-deps.sh)");
        var token = await host.CreateUserWithTokenAsync("alice");
        var (server, mediaId) = await host.Client.UploadAsync(token, image);
        return (host, token, server, mediaId);
    }

    [Theory]
    [InlineData(32, 32, "crop", 32, 32)]
    [InlineData(96, 96, "crop", 96, 96)]
    [InlineData(20, 20, "crop", 32, 32)]
    [InlineData(320, 240, "scale", 320, 240)]
    [InlineData(100, 100, "scale", 320, 240)]
    [InlineData(640, 480, "scale", 640, 480)]
    [InlineData(300, 100, "crop", 300, 100)]
    public async Task Thumbnails_have_the_standard_size_covering_the_request(int width, int height, string method, int expectedWidth, int expectedHeight)
    {
        var (host, token, server, mediaId) = await StartWithImageAsync(TestImages.Png(1000, 750));
        await using var _ = host;

        var response = await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?width={width}&height={height}&method={method}", token);

        var png = await response.ShouldBeOkBytesAsync();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        response.Content.Headers.ContentDisposition!.ToString().ShouldBe("inline; filename=\"thumbnail.png\"");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("sandbox;");
        TestImages.PngSize(png).ShouldBe((expectedWidth, expectedHeight));
    }

    [Fact]
    public async Task Scale_keeps_the_aspect_ratio_and_never_goes_below_the_request()
    {
        var (host, token, server, mediaId) = await StartWithImageAsync(TestImages.Png(1000, 250));
        await using var _ = host;

        var png = await (await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?width=320&height=240&method=scale", token)).ShouldBeOkBytesAsync();

        // Height binds: 240 high keeps the 4:1 ratio at 960 wide.
        TestImages.PngSize(png).ShouldBe((960, 240));
    }

    [Fact]
    public async Task An_image_no_larger_than_the_request_is_served_as_it_is()
    {
        var original = TestImages.Png(50, 40);
        var (host, token, server, mediaId) = await StartWithImageAsync(original);
        await using var _ = host;

        (await (await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?width=96&height=96&method=crop", token)).ShouldBeOkBytesAsync())
            .ShouldBe(original);
    }

    [Fact]
    public async Task A_thumbnail_is_made_once_and_then_served_from_the_store()
    {
        var (host, token, server, mediaId) = await StartWithImageAsync(TestImages.Png(400, 400));
        await using var _ = host;
        var path = $"{Authenticated}/thumbnail/{server}/{mediaId}?width=32&height=32&method=crop&animated=true";

        var first = await (await host.Client.GetMediaAsync(path, token)).ShouldBeOkBytesAsync();
        var stored = await host.Services.GetRequiredService<IMediaStore>().GetThumbnailAsync(server, mediaId, 32, 32, "crop");
        var second = await (await host.Client.GetMediaAsync(path, token)).ShouldBeOkBytesAsync();

        stored.ShouldNotBeNull();
        stored.Size.ShouldBe(first.Length);
        second.ShouldBe(first);
        host.StoredFiles().Length.ShouldBe(2);
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_from_its_header_before_decoding()
    {
        var (host, token, server, mediaId) = await StartWithImageAsync(TestImages.Bomb());
        await using var _ = host;

        await (await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?width=32&height=32&method=crop", token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
    }

    [Fact]
    public async Task The_pixel_limit_is_configurable()
    {
        var (host, token, server, mediaId) = await StartWithImageAsync(TestImages.Png(200, 100), "media:\n  max_image_pixels: 19999\n");
        await using var _ = host;

        await (await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?width=32&height=32&method=crop", token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
    }

    [Fact]
    public async Task Content_that_is_not_an_image_has_no_thumbnail_whatever_its_claimed_type()
    {
        var (host, token, server, mediaId) = await StartWithImageAsync("%PDF-1.4 not an image"u8.ToArray());
        await using var _ = host;

        await (await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?width=32&height=32", token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Theory]
    [InlineData("height=32", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("width=32", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("width=-1&height=32", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("width=a&height=32", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("width=32&height=32&method=stretch", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("width=32&height=32&animated=maybe", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    public async Task Bad_thumbnail_parameters_are_refused(string query, HttpStatusCode status, string errcode)
    {
        var (host, token, server, mediaId) = await StartWithImageAsync(TestImages.Png(100, 100));
        await using var _ = host;

        await (await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?{query}", token)).ShouldBeMatrixErrorAsync(status, errcode);
    }

    [Fact]
    public async Task Without_thumbnails_a_thumbnail_request_gets_a_Matrix_error_not_an_image()
    {
        await using var host = await TestHost.StartAsync("media:\n  thumbnails: false\n");
        var token = await host.CreateUserWithTokenAsync("alice");
        var (server, mediaId) = await host.Client.UploadAsync(token, TestImages.Png(100, 100));

        await (await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?width=32&height=32", token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
        (await (await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}", token)).ShouldBeOkBytesAsync()).Length.ShouldBeGreaterThan(0);
    }
}
