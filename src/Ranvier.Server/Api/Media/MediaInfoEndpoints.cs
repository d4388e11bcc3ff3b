using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Media;

namespace Ranvier.Server.Api.Media;

/// <summary>
/// GET /media/config and GET /media/preview_url (spec: content repository). Both need an access token, under
/// /_matrix/client/v1/media and under the deprecated /_matrix/media/v3 alike (content-repo.yaml gives the
/// deprecated ones a security requirement too).
/// </summary>
internal static class MediaInfoEndpoints
{
    public static void MapMediaInfoEndpoints(this RouteGroupBuilder media)
    {
        media.MapGet("/config", GetConfig).RequireAccessToken();
        media.MapGet("/preview_url", GetPreview).RequireAccessToken();
    }

    /// <summary>GET /media/config — the upload size limit as m.upload.size.</summary>
    private static JsonObject GetConfig(RanvierOptions options) => new() { ["m.upload.size"] = options.Media.MaxUploadSize };

    /// <summary>GET /media/preview_url?url=…[&amp;ts=…] — OpenGraph data of a page (ts is accepted; the newest cached preview is served).</summary>
    private static Task<JsonObject> GetPreview(string? url, UrlPreviewService previews, CancellationToken cancellationToken) =>
        previews.PreviewAsync(url, cancellationToken);
}
