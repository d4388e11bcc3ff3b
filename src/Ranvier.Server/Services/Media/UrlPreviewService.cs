using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Storage.Media;

namespace Ranvier.Server.Services.Media;

/// <summary>
/// GET /media/preview_url (spec: client-server API, content repository): fetches the page through
/// <see cref="PreviewFetcher"/> (denied addresses refused, redirects bounded, size and time capped), extracts its
/// OpenGraph data, stores its og:image as local media (served as an <c>mxc://</c> URI with
/// <c>matrix:image:size</c>), and caches the result per URL.
/// </summary>
internal sealed partial class UrlPreviewService(
    PreviewFetcher fetcher, MediaRepository repository, ThumbnailService thumbnails, IMediaStore store, RanvierOptions options, TimeProvider time, ILogger<UrlPreviewService> logger)
{
    private const int MaxUrlLength = 4096;

    private readonly UrlPreviewOptions preview = options.Media.UrlPreview;

    public async Task<JsonObject> PreviewAsync(string? url, CancellationToken cancellationToken)
    {
        if (!preview.Enabled)
        {
            throw MatrixError.Forbidden("URL previews are disabled on this server");
        }

        if (string.IsNullOrEmpty(url))
        {
            throw MatrixError.MissingParam("Missing url");
        }

        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw MatrixError.InvalidParam($"url must be an absolute http or https URL of at most {MaxUrlLength} characters");
        }

        var now = time.GetUtcNow();
        if (await store.GetUrlPreviewAsync(url, (now - preview.CacheFor).ToUnixTimeMilliseconds(), cancellationToken) is { } cached)
        {
            return JsonNode.Parse(cached)!.AsObject();
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(preview.Timeout);
        JsonObject result;
        try
        {
            result = await BuildAsync(uri, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MatrixError(StatusCodes.Status504GatewayTimeout, "M_UNKNOWN", "Timed out fetching the URL");
        }
        catch (AddressDeniedException e)
        {
            throw MatrixError.Forbidden(e.Message);
        }
        catch (FetchFailedException e)
        {
            LogFetchFailed(logger, uri.Host, e.Message);
            throw new MatrixError(StatusCodes.Status502BadGateway, "M_UNKNOWN", e.Message);
        }

        await store.StoreUrlPreviewAsync(url, now.ToUnixTimeMilliseconds(), result.ToJsonString(), cancellationToken);
        return result;
    }

    private async Task<JsonObject> BuildAsync(Uri url, CancellationToken cancellationToken)
    {
        var page = await fetcher.FetchAsync(url, Math.Max(preview.MaxPageBytes, options.Media.MaxUploadSize), cancellationToken);
        var result = new JsonObject();
        if (IsImage(page))
        {
            if (!page.Truncated)
            {
                await AddImageAsync(result, page, cancellationToken);
            }

            return result;
        }

        if (page.ContentType is not ("text/html" or "application/xhtml+xml"))
        {
            return result;
        }

        var html = OpenGraph.Decode(page.Body.Length > preview.MaxPageBytes ? page.Body[..preview.MaxPageBytes] : page.Body, page.Charset);
        var properties = OpenGraph.Parse(html);
        foreach (var (key, value) in properties)
        {
            if (!key.StartsWith("og:image", StringComparison.Ordinal))
            {
                result[key] = value;
            }
        }

        if (properties.TryGetValue("og:image", out var image) && Uri.TryCreate(page.Url, image, out var imageUrl))
        {
            try
            {
                var fetched = await fetcher.FetchAsync(imageUrl, options.Media.MaxUploadSize, cancellationToken);
                if (IsImage(fetched) && !fetched.Truncated)
                {
                    await AddImageAsync(result, fetched, cancellationToken);
                }
            }
            catch (Exception e) when (e is FetchFailedException or AddressDeniedException)
            {
                // The page's text is still worth showing without its picture.
                LogFetchFailed(logger, imageUrl.Host, e.Message);
            }
        }

        return result;
    }

    private static bool IsImage(FetchedResource resource) =>
        resource.ContentType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true || ImageFormats.Detect(resource.Body) != ImageFormat.None;

    private async Task AddImageAsync(JsonObject result, FetchedResource image, CancellationToken cancellationToken)
    {
        var format = ImageFormats.Detect(image.Body);
        var contentType = format != ImageFormat.None ? ImageFormats.ContentType(format) : image.ContentType;
        var (key, record) = await repository.StoreServerMediaAsync(image.Body, contentType, cancellationToken);
        result["og:image"] = key.ToString();
        result["og:image:type"] = record.ContentType;
        result["matrix:image:size"] = record.Size;
        if (thumbnails.ReadDimensions(image.Body) is var (width, height))
        {
            result["og:image:width"] = width;
            result["og:image:height"] = height;
        }
    }

    [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "URL preview fetch from {Host} failed: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string host, string reason);
}

