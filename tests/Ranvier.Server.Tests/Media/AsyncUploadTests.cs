using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Media.MediaClient;

namespace Ranvier.Server.Tests.Media;

public sealed class AsyncUploadTests
{
    private static async Task<(string Server, string MediaId, long ExpiresAt)> CreateAsync(TestHost host, string token)
    {
        var body = await (await host.Client.SendAsync(Request(HttpMethod.Post, "/_matrix/media/v1/create", token))).ShouldBeOkJsonAsync();
        var (server, mediaId) = SplitMxc(body.GetProperty("content_uri").GetString()!);
        return (server, mediaId, body.GetProperty("unused_expires_at").GetInt64());
    }

    private static Task<HttpResponseMessage> PutAsync(TestHost host, string token, string server, string mediaId, byte[] data, string contentType = "image/png") =>
        host.Client.SendAsync(Request(HttpMethod.Put, $"{Legacy}/upload/{server}/{mediaId}?filename=late.png", token, Bytes(data, contentType)));

    [Fact]
    public async Task A_created_URI_is_filled_by_PUT_and_then_downloadable()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(time: time);
        var alice = await host.CreateUserWithTokenAsync("alice");

        var (server, mediaId, expiresAt) = await CreateAsync(host, alice);
        expiresAt.ShouldBe((time.GetUtcNow() + TimeSpan.FromHours(24)).ToUnixTimeMilliseconds());
        (await (await PutAsync(host, alice, server, mediaId, [7, 7])).ShouldBeOkJsonAsync()).EnumerateObject().ShouldBeEmpty();

        var download = await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}", alice);
        (await download.ShouldBeOkBytesAsync()).ShouldBe(new byte[] { 7, 7 });
        download.Content.Headers.ContentDisposition!.ToString().ShouldBe("inline; filename=\"late.png\"");
    }

    [Fact]
    public async Task Only_the_creator_may_upload_and_only_once()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var bob = await host.CreateUserWithTokenAsync("bob");
        var (server, mediaId, _) = await CreateAsync(host, alice);

        await (await PutAsync(host, bob, server, mediaId, [1])).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await PutAsync(host, alice, server, mediaId, [1])).ShouldBeOkJsonAsync();
        await (await PutAsync(host, alice, server, mediaId, [2])).ShouldBeMatrixErrorAsync(HttpStatusCode.Conflict, "M_CANNOT_OVERWRITE_MEDIA");
        await (await PutAsync(host, alice, server, "neverCreated", [2])).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Pending_uploads_are_limited_per_user_and_lapse_after_the_expiry()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync("media:\n  max_pending_uploads: 2\n  pending_upload_expiry_seconds: 600\n", time: time);
        var alice = await host.CreateUserWithTokenAsync("alice");
        var bob = await host.CreateUserWithTokenAsync("bob");

        var (server, first, _) = await CreateAsync(host, alice);
        await CreateAsync(host, alice);
        await (await host.Client.SendAsync(Request(HttpMethod.Post, "/_matrix/media/v1/create", alice))).ShouldBeMatrixErrorAsync(HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        await CreateAsync(host, bob);

        time.Advance(TimeSpan.FromSeconds(600));
        await (await PutAsync(host, alice, server, first, [1])).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{first}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await CreateAsync(host, alice);
        await CreateAsync(host, alice);
    }

    [Fact]
    public async Task Downloading_before_the_upload_answers_M_NOT_YET_UPLOADED_after_the_timeout()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var (server, mediaId, _) = await CreateAsync(host, alice);

        await (await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}?timeout_ms=0", alice))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.GatewayTimeout, "M_NOT_YET_UPLOADED");
        await (await host.Client.GetMediaAsync($"{Authenticated}/thumbnail/{server}/{mediaId}?width=32&height=32&timeout_ms=0", alice))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.GatewayTimeout, "M_NOT_YET_UPLOADED");
    }

    [Fact]
    public async Task A_waiting_download_is_answered_when_the_upload_lands()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var bob = await host.CreateUserWithTokenAsync("bob");
        var (server, mediaId, _) = await CreateAsync(host, alice);

        var waiting = host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}?timeout_ms=30000", bob);
        await (await PutAsync(host, alice, server, mediaId, [4, 2])).ShouldBeOkJsonAsync();

        (await (await waiting).ShouldBeOkBytesAsync()).ShouldBe(new byte[] { 4, 2 });
    }

    [Fact]
    public async Task An_oversized_PUT_is_refused_leaving_the_reservation_open_and_no_file()
    {
        await using var host = await TestHost.StartAsync("media:\n  max_upload_size: 100\n");
        var alice = await host.CreateUserWithTokenAsync("alice");
        var (server, mediaId, _) = await CreateAsync(host, alice);

        await (await host.Client.SendAsync(Request(HttpMethod.Put, $"{Legacy}/upload/{server}/{mediaId}", alice, new UnknownLengthContent(new byte[5000]))))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        host.StoredFiles().ShouldBeEmpty();

        await (await PutAsync(host, alice, server, mediaId, new byte[100])).ShouldBeOkJsonAsync();
    }
}
