using Ranvier.Server.Api.Client;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Media;

namespace Ranvier.Server.Api.Media;

/// <summary>The answer of POST /_matrix/media/v3/upload: the new media's mxc:// URI.</summary>
internal sealed record ContentUriResponse(string ContentUri);

/// <summary>The answer of POST /_matrix/media/v1/create.</summary>
internal sealed record CreateContentResponse(string ContentUri, long UnusedExpiresAt);

/// <summary>
/// Client-server API "Content repository": uploads. Upload and create are still under /_matrix/media (the spec
/// has not moved them to /_matrix/client yet) and need an access token.
/// </summary>
internal static class MediaUploadEndpoints
{
    public static void MapMediaUploadEndpoints(this RouteGroupBuilder media)
    {
        media.MapPost("/upload", Upload).RequireAccessToken();
        media.MapPut("/upload/{serverName}/{mediaId}", UploadToReservation).RequireAccessToken();
    }

    public static void MapMediaCreateEndpoints(this RouteGroupBuilder mediaV1) =>
        mediaV1.MapPost("/create", Create).RequireAccessToken();

    /// <summary>POST /_matrix/media/v3/upload — stores the body, answers its mxc:// URI.</summary>
    private static async Task<ContentUriResponse> Upload(
        HttpRequest request, string? filename, RequestContext context, MediaRepository repository, CancellationToken cancellationToken)
    {
        AllowLargeBody(request, repository);
        var key = await repository.UploadAsync(context.UserId, request.Body, request.ContentLength, request.ContentType, filename, cancellationToken);
        return new ContentUriResponse(key.ToString());
    }

    /// <summary>POST /_matrix/media/v1/create — reserves an mxc:// URI for a later upload.</summary>
    private static async Task<CreateContentResponse> Create(RequestContext context, MediaRepository repository, CancellationToken cancellationToken)
    {
        var (key, expires) = await repository.CreateAsync(context.UserId, cancellationToken);
        return new CreateContentResponse(key.ToString(), expires);
    }

    /// <summary>PUT /_matrix/media/v3/upload/{serverName}/{mediaId} — the content of a reserved URI.</summary>
    private static async Task<EmptyResponse> UploadToReservation(
        string serverName, string mediaId, HttpRequest request, string? filename, RequestContext context, MediaRepository repository, CancellationToken cancellationToken)
    {
        var key = MediaKey.Parse(serverName, mediaId);
        AllowLargeBody(request, repository);
        await repository.CompleteAsync(context.UserId, key, request.Body, request.ContentLength, request.ContentType, filename, cancellationToken);
        return EmptyResponse.Instance;
    }

    // The server-wide body limit (limits.max_request_body_bytes) gives way to media.max_upload_size here; the
    // repository counts the bytes itself and stops one past the limit.
    private static void AllowLargeBody(HttpRequest request, MediaRepository repository)
    {
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = repository.MaxUploadSize + 1;
        }
    }
}
