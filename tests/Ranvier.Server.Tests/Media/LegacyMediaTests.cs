using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Media.MediaClient;

namespace Ranvier.Server.Tests.Media;

public sealed class LegacyMediaTests
{
    [Fact]
    public async Task By_default_the_legacy_endpoints_are_frozen_for_new_media()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var (server, mediaId) = await host.Client.UploadAsync(alice, TestImages.Png(2, 2));

        await (await host.Client.GetMediaAsync($"{Legacy}/download/{server}/{mediaId}", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetMediaAsync($"{Legacy}/download/{server}/{mediaId}/x.png", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetMediaAsync($"{Legacy}/thumbnail/{server}/{mediaId}?width=1&height=1", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}", alice)).ShouldBeOkBytesAsync();
    }

    [Fact]
    public async Task Media_uploaded_before_the_freeze_time_stays_on_the_legacy_endpoints()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync("media:\n  legacy_freeze_time: \"2026-06-01T00:00:00Z\"\n", time: time);
        var alice = await host.CreateUserWithTokenAsync("alice");
        var (server, before) = await host.Client.UploadAsync(alice, [1]);
        time.Advance(TimeSpan.FromDays(200));
        var (_, after) = await host.Client.UploadAsync(alice, [2]);

        (await (await host.Client.GetMediaAsync($"{Legacy}/download/{server}/{before}", null)).ShouldBeOkBytesAsync()).ShouldBe(new byte[] { 1 });
        await (await host.Client.GetMediaAsync($"{Legacy}/download/{server}/{after}", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task In_serve_mode_the_legacy_endpoints_serve_without_a_token_with_the_same_safety_headers()
    {
        await using var host = await TestHost.StartAsync("media:\n  legacy_endpoints: serve\n");
        var alice = await host.CreateUserWithTokenAsync("alice");
        var (server, mediaId) = await host.Client.UploadAsync(alice, [1, 2, 3], "application/x-shockwave-flash", "evil\".swf");

        foreach (var prefix in new[] { Legacy, "/_matrix/media/r0" })
        {
            var response = await host.Client.GetMediaAsync($"{prefix}/download/{server}/{mediaId}", null);
            (await response.ShouldBeOkBytesAsync()).ShouldBe(new byte[] { 1, 2, 3 });
            response.Content.Headers.ContentDisposition!.ToString().ShouldBe("attachment; filename*=utf-8''evil%22.swf");
            response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("sandbox;");
        }
    }

    [Fact]
    public async Task Legacy_config_and_preview_need_a_token_as_the_spec_says()
    {
        await using var host = await TestHost.StartAsync("media:\n  legacy_endpoints: serve\n");

        await (await host.Client.GetMediaAsync($"{Legacy}/config", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.GetMediaAsync($"{Legacy}/preview_url?url=https://example.org/", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
