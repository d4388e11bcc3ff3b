using System.Globalization;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Media;
using Ranvier.Storage.Media;

namespace Ranvier.Server.Api.Media;

/// <summary>
/// Downloads and thumbnails (spec: content repository). The authenticated endpoints under
/// /_matrix/client/v1/media serve all media to any user with an access token (guests included, spec "Guest
/// access"); the deprecated unauthenticated ones under /_matrix/media/v3 serve what media.legacy_endpoints allows.
/// </summary>
internal static class MediaDownloadEndpoints
{
    private const int DefaultTimeoutMs = 20_000;

    /// <summary>GET download and thumbnail under /_matrix/client/v1/media, behind an access token.</summary>
    public static void MapAuthenticatedDownloadEndpoints(this RouteGroupBuilder media)
    {
        media.MapGet("/download/{serverName}/{mediaId}", (string serverName, string mediaId, HttpRequest request, MediaRepository repository) =>
            DownloadAsync(serverName, mediaId, null, request, repository, legacy: null)).RequireAccessToken().AllowGuests();
        media.MapGet("/download/{serverName}/{mediaId}/{fileName}", (string serverName, string mediaId, string fileName, HttpRequest request, MediaRepository repository) =>
            DownloadAsync(serverName, mediaId, fileName, request, repository, legacy: null)).RequireAccessToken().AllowGuests();
        media.MapGet("/thumbnail/{serverName}/{mediaId}", (string serverName, string mediaId, HttpRequest request, MediaRepository repository, ThumbnailService thumbnails) =>
            ThumbnailAsync(serverName, mediaId, request, repository, thumbnails, legacy: null)).RequireAccessToken().AllowGuests();
    }

    /// <summary>The deprecated GET download and thumbnail under /_matrix/media/v3: no access token, subject to the freeze.</summary>
    public static void MapLegacyDownloadEndpoints(this RouteGroupBuilder media)
    {
        media.MapGet("/download/{serverName}/{mediaId}", (string serverName, string mediaId, HttpRequest request, MediaRepository repository, RanvierOptions options) =>
            DownloadAsync(serverName, mediaId, null, request, repository, options.Media));
        media.MapGet("/download/{serverName}/{mediaId}/{fileName}", (string serverName, string mediaId, string fileName, HttpRequest request, MediaRepository repository, RanvierOptions options) =>
            DownloadAsync(serverName, mediaId, fileName, request, repository, options.Media));
        media.MapGet("/thumbnail/{serverName}/{mediaId}", (string serverName, string mediaId, HttpRequest request, MediaRepository repository, ThumbnailService thumbnails, RanvierOptions options) =>
            ThumbnailAsync(serverName, mediaId, request, repository, thumbnails, options.Media));
    }

    /// <summary>GET …/download/{serverName}/{mediaId}[/{fileName}] — the bytes, with the uploader's (or the path's) file name.</summary>
    private static async Task<IResult> DownloadAsync(string serverName, string mediaId, string? fileName, HttpRequest request, MediaRepository repository, MediaOptions? legacy)
    {
        var (record, path) = await LoadAsync(serverName, mediaId, request, repository, legacy);
        var contentType = record.ContentType ?? "application/octet-stream";
        return new MediaFileResult(path, record.Size!.Value, contentType, MediaHeaders.ContentDisposition(contentType, fileName ?? record.UploadName));
    }

    /// <summary>GET …/thumbnail/{serverName}/{mediaId}?width&amp;height[&amp;method][&amp;animated] — always inline (spec v1.12).</summary>
    private static async Task<IResult> ThumbnailAsync(string serverName, string mediaId, HttpRequest request, MediaRepository repository, ThumbnailService thumbnails, MediaOptions? legacy)
    {
        var query = request.Query;
        var width = ReadDimension(query["width"], "width");
        var height = ReadDimension(query["height"], "height");
        var method = query["method"].ToString() switch
        {
            "" or "scale" => ThumbnailMethod.Scale,
            "crop" => ThumbnailMethod.Crop,
            _ => throw MatrixError.InvalidParam("method must be crop or scale"),
        };
        // animated=true asks for an animated thumbnail "if possible": Ranvier makes static ones only, which the spec allows.
        if (query["animated"].ToString() is not ("" or "true" or "false"))
        {
            throw MatrixError.InvalidParam("animated must be true or false");
        }

        var (record, path) = await LoadAsync(serverName, mediaId, request, repository, legacy);
        var thumbnail = await thumbnails.GetAsync(record, path, width, height, method, request.HttpContext.RequestAborted);
        var extension = thumbnail.ContentType == "image/jpeg" ? "jpg" : thumbnail.ContentType["image/".Length..];
        return new MediaFileResult(thumbnail.Path, thumbnail.Size, thumbnail.ContentType, $"inline; filename=\"thumbnail.{extension}\"");
    }

    private static async Task<(MediaRecord Record, string Path)> LoadAsync(string serverName, string mediaId, HttpRequest request, MediaRepository repository, MediaOptions? legacy)
    {
        var key = MediaKey.Parse(serverName, mediaId);
        var timeoutText = request.Query["timeout_ms"].ToString();
        var timeoutMs = DefaultTimeoutMs;
        if (timeoutText.Length > 0 && (!int.TryParse(timeoutText, NumberStyles.None, CultureInfo.InvariantCulture, out timeoutMs)))
        {
            throw MatrixError.InvalidParam("timeout_ms must be a non-negative integer");
        }

        var (record, path) = await repository.GetContentAsync(key, TimeSpan.FromMilliseconds(timeoutMs), request.HttpContext.RequestAborted);
        if (legacy is { LegacyEndpoints: LegacyMediaMode.Freeze } && !(legacy.LegacyFreezeTime is { } freeze && record.CreatedTs < freeze.ToUnixTimeMilliseconds()))
        {
            // Spec (v1.11+): after the freeze, new media is only served through the authenticated endpoints.
            throw MatrixError.NotFound("This media is only available through the authenticated /_matrix/client/v1/media endpoints");
        }

        return (record, path);
    }

    private static int ReadDimension(Microsoft.Extensions.Primitives.StringValues value, string name)
    {
        if (value.Count == 0 || string.IsNullOrEmpty(value[0]))
        {
            throw MatrixError.MissingParam($"Missing {name}");
        }

        if (!int.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > 10_000)
        {
            throw MatrixError.InvalidParam($"{name} must be an integer from 1 to 10000");
        }

        return size;
    }
}
