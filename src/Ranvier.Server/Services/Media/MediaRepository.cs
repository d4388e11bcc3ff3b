using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Storage.Media;

namespace Ranvier.Server.Services.Media;

/// <summary>
/// Uploads and lookups of local media (spec: client-server API "Content repository"): one-step uploads,
/// reservations for asynchronous uploads and their completion, and waiting for content that is reserved but
/// not yet uploaded. Bytes go to <see cref="MediaFileStore"/>, metadata to <see cref="IMediaStore"/>.
/// </summary>
internal sealed class MediaRepository(IMediaStore store, MediaFileStore files, RanvierOptions options, TimeProvider time)
{
    /// <summary>The longest a download waits for a reserved upload (the spec asks servers to cap timeout_ms).</summary>
    public static readonly TimeSpan MaxUploadWait = TimeSpan.FromSeconds(60);

    private const int MaxFileNameLength = 255;

    private readonly MediaOptions media = options.Media;

    // Downloads waiting for reserved media, woken when its upload lands. Entries go when the upload does.
    private readonly ConcurrentDictionary<MediaKey, TaskCompletionSource> uploadWaiters = new();

    public long MaxUploadSize => media.MaxUploadSize;

    /// <summary>POST /upload: stores the bytes and returns the new media's key.</summary>
    public async Task<MediaKey> UploadAsync(string userId, Stream body, long? declaredLength, string? contentType, string? fileName, CancellationToken cancellationToken)
    {
        var content = await StageAsync(userId, body, declaredLength, cancellationToken);
        using var staged = content.Staged;
        var key = MediaKey.NewLocal(options.ServerName);
        staged.Place();
        var result = await store.InsertUploadedAsync(
            new MediaRecord(key.Origin, key.MediaId, userId, content.Record.UploadedTs),
            content.Record with { ContentType = NormaliseContentType(contentType), UploadName = CheckFileName(fileName) },
            media.UserQuotaBytes,
            cancellationToken);
        ThrowUnlessWritten(result);
        return key;
    }

    /// <summary>POST /_matrix/media/v1/create: reserves a media ID; returns it and when the reservation lapses.</summary>
    public async Task<(MediaKey Key, long ExpiresTs)> CreateAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expires = (now + media.PendingUploadExpiry).ToUnixTimeMilliseconds();
        var key = MediaKey.NewLocal(options.ServerName);
        var result = await store.ReserveAsync(key.Origin, key.MediaId, userId, now.ToUnixTimeMilliseconds(), expires, media.MaxPendingUploads, cancellationToken);
        if (result == MediaWriteResult.TooManyPending)
        {
            throw new MatrixError(StatusCodes.Status429TooManyRequests, "M_LIMIT_EXCEEDED", "Too many pending uploads; finish or wait for the others first");
        }

        ThrowUnlessWritten(result);
        return (key, expires);
    }

    /// <summary>PUT /upload/{serverName}/{mediaId}: gives a reservation its bytes.</summary>
    public async Task CompleteAsync(string userId, MediaKey key, Stream body, long? declaredLength, string? contentType, string? fileName, CancellationToken cancellationToken)
    {
        if (key.Origin != options.ServerName)
        {
            throw MatrixError.NotFound("Unknown media ID");
        }

        // Cheap checks before reading the body, so a wrong ID or owner costs no disk writes.
        var existing = await store.GetAsync(key.Origin, key.MediaId, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (existing is null || (!existing.IsUploaded && existing.ExpiresTs <= now))
        {
            throw MatrixError.NotFound("Unknown media ID");
        }

        if (existing.IsUploaded)
        {
            throw new MatrixError(StatusCodes.Status409Conflict, "M_CANNOT_OVERWRITE_MEDIA", "Media already uploaded");
        }

        if (existing.UserId != userId)
        {
            throw MatrixError.Forbidden("This media ID was created by another user");
        }

        var content = await StageAsync(userId, body, declaredLength, cancellationToken);
        using var staged = content.Staged;
        staged.Place();
        var result = await store.CompleteReservationAsync(
            key.Origin,
            key.MediaId,
            userId,
            content.Record with { ContentType = NormaliseContentType(contentType), UploadName = CheckFileName(fileName) },
            time.GetUtcNow().ToUnixTimeMilliseconds(),
            media.UserQuotaBytes,
            cancellationToken);
        ThrowUnlessWritten(result);
        if (uploadWaiters.TryRemove(key, out var waiters))
        {
            waiters.TrySetResult();
        }
    }

    /// <summary>Stores bytes the server fetched itself (URL preview images): no uploader, no quota.</summary>
    public async Task<(MediaKey Key, MediaRecord Record)> StoreServerMediaAsync(byte[] bytes, string? contentType, CancellationToken cancellationToken)
    {
        using var staged = await files.StageAsync(bytes, cancellationToken);
        staged.Place();
        var key = MediaKey.NewLocal(options.ServerName);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var content = new MediaContent(NormaliseContentType(contentType), null, staged.Size, staged.Sha256, now);
        ThrowUnlessWritten(await store.InsertUploadedAsync(new MediaRecord(key.Origin, key.MediaId, null, now), content, null, cancellationToken));
        return (key, (await store.GetAsync(key.Origin, key.MediaId, cancellationToken))!);
    }

    /// <summary>
    /// The uploaded media and its file. Reserved media not yet uploaded is waited for up to
    /// <paramref name="wait"/>, then 504 M_NOT_YET_UPLOADED. Unknown, lapsed or remote media: 404 M_NOT_FOUND.
    /// </summary>
    public async Task<(MediaRecord Record, string Path)> GetContentAsync(MediaKey key, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (key.Origin != options.ServerName)
        {
            // Remote media arrives with federation; until then nothing from elsewhere can be fetched.
            throw MatrixError.NotFound("Remote media is not available on this server");
        }

        var record = await store.GetAsync(key.Origin, key.MediaId, cancellationToken);
        if (record is { IsUploaded: false } && wait > TimeSpan.Zero && record.ExpiresTs > time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            var signal = uploadWaiters.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            // Read again: the upload may have landed between the first read and the registration of the waiter.
            record = await store.GetAsync(key.Origin, key.MediaId, cancellationToken);
            if (record is { IsUploaded: false })
            {
                try
                {
                    await signal.Task.WaitAsync(wait < MaxUploadWait ? wait : MaxUploadWait, time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // Answered below as not yet uploaded.
                }

                record = await store.GetAsync(key.Origin, key.MediaId, cancellationToken);
            }
        }

        if (record is null || (!record.IsUploaded && record.ExpiresTs <= time.GetUtcNow().ToUnixTimeMilliseconds()))
        {
            throw MatrixError.NotFound("No such media");
        }

        if (!record.IsUploaded)
        {
            throw new MatrixError(StatusCodes.Status504GatewayTimeout, "M_NOT_YET_UPLOADED", "Content has not yet been uploaded");
        }

        var path = files.Find(record.Sha256!) ?? throw MatrixError.NotFound("The media's content is missing");
        return (record, path);
    }

    private async Task<(StagedFile Staged, MediaContent Record)> StageAsync(string userId, Stream body, long? declaredLength, CancellationToken cancellationToken)
    {
        // Refuse before reading anything when the client says up front that it is too large or over quota.
        if (declaredLength > media.MaxUploadSize)
        {
            throw MatrixError.TooLarge($"Cannot upload files larger than {media.MaxUploadSize} bytes");
        }

        if (media.UserQuotaBytes is { } quota && declaredLength is { } length
            && await store.GetUploadedBytesAsync(userId, cancellationToken) + length > quota)
        {
            throw QuotaExceeded();
        }

        var staged = await files.StageAsync(body, media.MaxUploadSize, cancellationToken);
        if (media.UserQuotaBytes is { } limit && await store.GetUploadedBytesAsync(userId, cancellationToken) + staged.Size > limit)
        {
            staged.Dispose();
            throw QuotaExceeded();
        }

        return (staged, new MediaContent(null, null, staged.Size, staged.Sha256, time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    private static MatrixError QuotaExceeded() => MatrixError.Forbidden("This upload would exceed your media quota");

    private static void ThrowUnlessWritten(MediaWriteResult result)
    {
        switch (result)
        {
            case MediaWriteResult.Written:
                return;
            case MediaWriteResult.QuotaExceeded:
                // A concurrent upload of the same user won the race for the last bytes of quota. The placed file
                // stays: it is content-addressed and may be shared with other media.
                throw QuotaExceeded();
            case MediaWriteResult.NotFound:
                throw MatrixError.NotFound("Unknown media ID");
            case MediaWriteResult.NotOwner:
                throw MatrixError.Forbidden("This media ID was created by another user");
            case MediaWriteResult.AlreadyUploaded:
                throw new MatrixError(StatusCodes.Status409Conflict, "M_CANNOT_OVERWRITE_MEDIA", "Media already uploaded");
            default:
                throw new InvalidOperationException($"Unexpected media write result {result}");
        }
    }

    // Spec (1.12): the Content-Type header is optional and defaults to application/octet-stream.
    private static string NormaliseContentType(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType is { Length: > 0 }
            ? parsed.ToString()
            : "application/octet-stream";

    private static string? CheckFileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return null;
        }

        if (fileName.Length > MaxFileNameLength)
        {
            throw MatrixError.InvalidParam($"filename is longer than {MaxFileNameLength} characters");
        }

        return fileName;
    }
}
