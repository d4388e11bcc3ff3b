using Ranvier.Server.Services.Media;

namespace Ranvier.Server.Api.Media;

/// <summary>
/// A media file as a response, with the content repository's safety headers (see <see cref="MediaHeaders"/>):
/// the type as stored, inline only when that type is safe, sandboxing CSP, no sniffing.
/// </summary>
internal sealed class MediaFileResult(string path, long length, string contentType, string contentDisposition) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        MediaHeaders.ApplySafetyHeaders(response.Headers);
        response.ContentType = contentType;
        response.Headers.ContentDisposition = contentDisposition;
        // Media under an ID never changes; only the caller's own cache may keep authenticated responses.
        response.Headers.CacheControl = "private, max-age=86400";
        response.ContentLength = length;
        await response.SendFileAsync(path, httpContext.RequestAborted);
    }
}
