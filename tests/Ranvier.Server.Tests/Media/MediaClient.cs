using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Media;

/// <summary>Requests of the media API, for tests.</summary>
internal static class MediaClient
{
    public const string Authenticated = "/_matrix/client/v1/media";
    public const string Legacy = "/_matrix/media/v3";

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public static ByteArrayContent Bytes(byte[] data, string? contentType)
    {
        var content = new ByteArrayContent(data);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    public static Task<HttpResponseMessage> PostUploadAsync(this HttpClient client, string? token, HttpContent content, string? filename = null) =>
        client.SendAsync(Request(HttpMethod.Post, $"{Legacy}/upload" + (filename is null ? "" : "?filename=" + Uri.EscapeDataString(filename)), token, content));

    /// <summary>Uploads and returns the mxc:// URI's server name and media ID.</summary>
    public static async Task<(string Server, string MediaId)> UploadAsync(this HttpClient client, string token, byte[] data, string contentType = "image/png", string? filename = null)
    {
        var body = await (await client.PostUploadAsync(token, Bytes(data, contentType), filename)).ShouldBeOkJsonAsync();
        return SplitMxc(body.GetProperty("content_uri").GetString()!);
    }

    public static (string Server, string MediaId) SplitMxc(string mxc)
    {
        mxc.ShouldStartWith("mxc://");
        var parts = mxc["mxc://".Length..].Split('/');
        parts.Length.ShouldBe(2);
        return (parts[0], parts[1]);
    }

    public static Task<HttpResponseMessage> GetMediaAsync(this HttpClient client, string path, string? token) =>
        client.SendAsync(Request(HttpMethod.Get, path, token));

    /// <summary>Asserts a 200 with a body and returns the bytes.</summary>
    public static async Task<byte[]> ShouldBeOkBytesAsync(this HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, response.Content.Headers.ContentType?.MediaType == "application/json" ? System.Text.Encoding.UTF8.GetString(bytes) : null);
        return bytes;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Every file under the media store (content and temporary).</summary>
    public static string[] StoredFiles(this TestHost host) =>
        Directory.Exists(host.Options.Media.StorePath)
            ? Directory.GetFiles(host.Options.Media.StorePath, "*", SearchOption.AllDirectories)
            : [];
}

/// <summary>A request body whose length is not declared up front (sent chunked).</summary>
internal sealed class UnknownLengthContent(byte[] data) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(data).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
