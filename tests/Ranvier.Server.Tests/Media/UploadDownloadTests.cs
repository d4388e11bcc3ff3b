using System.Net;
using System.Text;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Media.MediaClient;

namespace Ranvier.Server.Tests.Media;

public sealed class UploadDownloadTests
{
    [Fact]
    public async Task An_upload_is_downloaded_by_another_user_with_its_type_name_and_safety_headers()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var bob = await host.CreateUserWithTokenAsync("bob");
        var png = TestImages.Png(4, 4);

        var (server, mediaId) = await host.Client.UploadAsync(alice, png, "image/png", "cat.png");
        server.ShouldBe(host.Options.ServerName);

        var response = await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}", bob);
        (await response.ShouldBeOkBytesAsync()).ShouldBe(png);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        response.Content.Headers.ContentDisposition!.ToString().ShouldBe("inline; filename=\"cat.png\"");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("sandbox;");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Cross-Origin-Resource-Policy").Single().ShouldBe("cross-origin");
    }

    [Fact]
    public async Task The_file_name_in_the_path_replaces_the_uploaded_one()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var (server, mediaId) = await host.Client.UploadAsync(alice, [1, 2, 3], "text/plain", "a.txt");

        var response = await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}/other.txt", alice);

        (await response.ShouldBeOkBytesAsync()).ShouldBe(new byte[] { 1, 2, 3 });
        response.Content.Headers.ContentDisposition!.ToString().ShouldBe("inline; filename=\"other.txt\"");
    }

    [Fact]
    public async Task Html_and_unknown_types_are_served_as_attachments_and_no_name_means_none_in_the_header()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var html = Encoding.UTF8.GetBytes("<script>alert(1)</script>");
        var (server, htmlId) = await host.Client.UploadAsync(alice, html, "text/html");
        var untypedBody = await (await host.Client.PostUploadAsync(alice, new ByteArrayContent([9]))).ShouldBeOkJsonAsync();
        var (_, untypedId) = SplitMxc(untypedBody.GetProperty("content_uri").GetString()!);

        var htmlResponse = await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{htmlId}", alice);
        (await htmlResponse.ShouldBeOkBytesAsync()).ShouldBe(html);
        htmlResponse.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        htmlResponse.Content.Headers.ContentDisposition!.ToString().ShouldBe("attachment");

        // Spec 1.12: no Content-Type on upload means application/octet-stream.
        var untyped = await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{untypedId}", alice);
        (await untyped.ShouldBeOkBytesAsync()).ShouldBe(new byte[] { 9 });
        untyped.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        untyped.Content.Headers.ContentDisposition!.ToString().ShouldBe("attachment");
    }

    [Fact]
    public async Task Identical_uploads_get_their_own_IDs_and_share_one_file()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var bob = await host.CreateUserWithTokenAsync("bob");
        var data = TestImages.Png(8, 8);

        var first = await host.Client.UploadAsync(alice, data);
        var second = await host.Client.UploadAsync(bob, data);

        second.MediaId.ShouldNotBe(first.MediaId);
        host.StoredFiles().Length.ShouldBe(1);
    }

    [Fact]
    public async Task Uploading_and_downloading_need_an_access_token()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var (server, mediaId) = await host.Client.UploadAsync(alice, [1]);

        await (await host.Client.PostUploadAsync(null, Bytes([1], "image/png"))).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.GetMediaAsync($"{Authenticated}/config", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Guests_may_download_but_not_upload()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");
        var guest = await host.CreateUserWithTokenAsync("guest", Storage.Accounts.AccountKind.Guest);
        var (server, mediaId) = await host.Client.UploadAsync(alice, [1, 2]);

        (await (await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}", guest)).ShouldBeOkBytesAsync()).ShouldBe(new byte[] { 1, 2 });
        await (await host.Client.PostUploadAsync(guest, Bytes([1], "image/png"))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Theory]
    [InlineData("unknownmedia")]
    [InlineData("bad.id")]
    public async Task Unknown_or_malformed_media_is_not_found(string mediaId)
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");

        await (await host.Client.GetMediaAsync($"{Authenticated}/download/{host.Options.ServerName}/{mediaId}", alice))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetMediaAsync($"{Authenticated}/download/remote.example/{mediaId}", alice))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Config_advertises_the_upload_limit()
    {
        await using var host = await TestHost.StartAsync("media:\n  max_upload_size: 123456\n");
        var alice = await host.CreateUserWithTokenAsync("alice");

        (await (await host.Client.GetMediaAsync($"{Authenticated}/config", alice)).ShouldBeOkJsonAsync()).GetProperty("m.upload.size").GetInt64().ShouldBe(123456);
        (await (await host.Client.GetMediaAsync($"{Legacy}/config", alice)).ShouldBeOkJsonAsync()).GetProperty("m.upload.size").GetInt64().ShouldBe(123456);
    }

    [Fact]
    public async Task An_oversized_upload_with_a_declared_length_is_refused_and_leaves_no_file()
    {
        await using var host = await TestHost.StartAsync("media:\n  max_upload_size: 1024\n");
        var alice = await host.CreateUserWithTokenAsync("alice");

        await (await host.Client.PostUploadAsync(alice, Bytes(new byte[1025], "application/octet-stream")))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");

        host.StoredFiles().ShouldBeEmpty();
        await host.Client.UploadAsync(alice, new byte[1024], "application/octet-stream");
        host.StoredFiles().Length.ShouldBe(1);
    }

    [Fact]
    public async Task An_oversized_streamed_upload_is_cut_off_and_leaves_no_file()
    {
        await using var host = await TestHost.StartAsync("media:\n  max_upload_size: 1024\n");
        var alice = await host.CreateUserWithTokenAsync("alice");

        await (await host.Client.PostUploadAsync(alice, new UnknownLengthContent(new byte[300_000])))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");

        host.StoredFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Uploads_larger_than_the_general_body_limit_are_allowed_up_to_the_media_limit()
    {
        await using var host = await TestHost.StartAsync("limits:\n  max_request_body_bytes: 2048\n  max_json_body_bytes: 1024\nmedia:\n  max_upload_size: 100000\n");
        var alice = await host.CreateUserWithTokenAsync("alice");

        var (server, mediaId) = await host.Client.UploadAsync(alice, new byte[50_000], "application/octet-stream");

        (await (await host.Client.GetMediaAsync($"{Authenticated}/download/{server}/{mediaId}", alice)).ShouldBeOkBytesAsync()).Length.ShouldBe(50_000);
    }

    [Fact]
    public async Task The_user_quota_refuses_uploads_past_it_with_M_FORBIDDEN()
    {
        await using var host = await TestHost.StartAsync("media:\n  user_quota_bytes: 1000\n");
        var alice = await host.CreateUserWithTokenAsync("alice");
        var bob = await host.CreateUserWithTokenAsync("bob");

        await host.Client.UploadAsync(alice, new byte[600], "application/octet-stream");
        await (await host.Client.PostUploadAsync(alice, Bytes(Enumerable.Repeat((byte)1, 500).ToArray(), "application/octet-stream")))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PostUploadAsync(alice, new UnknownLengthContent(Enumerable.Repeat((byte)2, 500).ToArray())))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        host.StoredFiles().Length.ShouldBe(1);
        await host.Client.UploadAsync(bob, new byte[900], "application/octet-stream");
        await host.Client.UploadAsync(alice, new byte[400], "application/octet-stream");
    }

    [Fact]
    public async Task A_too_long_file_name_is_refused()
    {
        await using var host = await TestHost.StartAsync();
        var alice = await host.CreateUserWithTokenAsync("alice");

        await (await host.Client.PostUploadAsync(alice, Bytes([1], "text/plain"), new string('a', 256)))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }
}
