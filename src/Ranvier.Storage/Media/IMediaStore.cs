namespace Ranvier.Storage.Media;

/// <summary>
/// One piece of media, named by its <c>mxc://{Origin}/{MediaId}</c> URI (spec: client-server API "Matrix Content
/// URIs"). A reservation (POST /_matrix/media/v1/create) has no bytes yet: <see cref="Sha256"/> and
/// <see cref="Size"/> are null and it lapses at <see cref="ExpiresTs"/>. <see cref="UserId"/> is the local
/// uploader, null for media the server stored itself (URL preview images) or cached from another server.
/// </summary>
public sealed record MediaRecord(string Origin, string MediaId, string? UserId, long CreatedTs)
{
    public string? ContentType { get; init; }

    /// <summary>The file name the uploader gave, unsanitised.</summary>
    public string? UploadName { get; init; }

    public long? Size { get; init; }

    /// <summary>Lower-case hex SHA-256 of the bytes, which names their file.</summary>
    public string? Sha256 { get; init; }

    public long? UploadedTs { get; init; }

    /// <summary>When a reservation lapses if nothing was uploaded (ms since the epoch).</summary>
    public long? ExpiresTs { get; init; }

    public bool IsUploaded => UploadedTs is not null;
}

/// <summary>The bytes of an upload, as written to the file store.</summary>
public sealed record MediaContent(string? ContentType, string? UploadName, long Size, string Sha256, long UploadedTs);

/// <summary>A thumbnail of one piece of media at one requested size and method.</summary>
public sealed record MediaThumbnailRecord(string Origin, string MediaId, int Width, int Height, string Method, string ContentType, long Size, string Sha256);

/// <summary>What became of a write of media metadata.</summary>
public enum MediaWriteResult
{
    Written = 0,

    /// <summary>No such reservation, or it lapsed.</summary>
    NotFound = 1,

    /// <summary>The reservation belongs to another user.</summary>
    NotOwner = 2,

    /// <summary>The media already has content (M_CANNOT_OVERWRITE_MEDIA).</summary>
    AlreadyUploaded = 3,

    /// <summary>The uploader's quota would be exceeded; nothing was written.</summary>
    QuotaExceeded = 4,

    /// <summary>The user holds the maximum number of pending reservations; nothing was written.</summary>
    TooManyPending = 5,

    /// <summary>The media ID is taken.</summary>
    Conflict = 6,
}

/// <summary>
/// Media metadata: uploads and reservations, their thumbnails and cached URL previews. Limits (pending
/// reservations, quota) are checked in the same transaction as the write they guard.
/// </summary>
public interface IMediaStore
{
    /// <summary>
    /// Records uploaded media in one step (POST /upload). With <paramref name="quotaBytes"/>, refuses when the
    /// uploader's uploaded bytes plus this upload would exceed it.
    /// </summary>
    Task<MediaWriteResult> InsertUploadedAsync(MediaRecord media, MediaContent content, long? quotaBytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves an ID for a later upload, unless <paramref name="userId"/> already holds
    /// <paramref name="maxPending"/> reservations that are neither uploaded nor lapsed at <paramref name="nowTs"/>.
    /// Lapsed reservations of every user are removed in the same transaction.
    /// </summary>
    Task<MediaWriteResult> ReserveAsync(string origin, string mediaId, string userId, long nowTs, long expiresTs, int maxPending, CancellationToken cancellationToken = default);

    /// <summary>Gives a reservation its content (PUT /upload/{serverName}/{mediaId}) if it is still open at <paramref name="nowTs"/>.</summary>
    Task<MediaWriteResult> CompleteReservationAsync(string origin, string mediaId, string userId, MediaContent content, long nowTs, long? quotaBytes, CancellationToken cancellationToken = default);

    /// <summary>The media, uploaded or reserved (lapsed reservations included until swept); null when unknown.</summary>
    Task<MediaRecord?> GetAsync(string origin, string mediaId, CancellationToken cancellationToken = default);

    /// <summary>The bytes of every upload of the user, for the quota.</summary>
    Task<long> GetUploadedBytesAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Removes reservations that lapsed at or before <paramref name="nowTs"/> without an upload; returns how many.</summary>
    Task<int> DeleteLapsedReservationsAsync(long nowTs, CancellationToken cancellationToken = default);

    Task<MediaThumbnailRecord?> GetThumbnailAsync(string origin, string mediaId, int width, int height, string method, CancellationToken cancellationToken = default);

    /// <summary>Records a thumbnail; a concurrent generation of the same one is ignored.</summary>
    Task AddThumbnailAsync(MediaThumbnailRecord thumbnail, CancellationToken cancellationToken = default);

    /// <summary>The cached preview of <paramref name="url"/> if it was fetched at or after <paramref name="notBeforeTs"/>.</summary>
    Task<string?> GetUrlPreviewAsync(string url, long notBeforeTs, CancellationToken cancellationToken = default);

    /// <summary>Stores (replaces) the preview of <paramref name="url"/>.</summary>
    Task StoreUrlPreviewAsync(string url, long fetchedTs, string ogJson, CancellationToken cancellationToken = default);
}
