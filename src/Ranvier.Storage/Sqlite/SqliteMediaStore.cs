using Microsoft.Data.Sqlite;
using Ranvier.Storage.Media;

namespace Ranvier.Storage.Sqlite;

internal sealed class SqliteMediaStore(SqliteWriteQueue writes, SqliteReadPool reads) : IMediaStore
{
    private const string Columns = "origin, media_id, user_id, content_type, upload_name, size, sha256, created_ts, uploaded_ts, expires_ts";

    public Task<MediaWriteResult> InsertUploadedAsync(MediaRecord media, MediaContent content, long? quotaBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(content);
        return writes.ExecuteAsync(
            s =>
            {
                if (media.UserId is not null && ExceedsQuota(s, media.UserId, content.Size, quotaBytes))
                {
                    return MediaWriteResult.QuotaExceeded;
                }

                try
                {
                    s.Command("INSERT INTO media (origin, media_id, user_id, content_type, upload_name, size, sha256, created_ts, uploaded_ts) " +
                            "VALUES (@o, @m, @u, @ct, @n, @size, @sha, @created, @uploaded)")
                        .With("@o", media.Origin).With("@m", media.MediaId).With("@u", media.UserId)
                        .With("@ct", content.ContentType).With("@n", content.UploadName).With("@size", content.Size)
                        .With("@sha", content.Sha256).With("@created", media.CreatedTs).With("@uploaded", content.UploadedTs)
                        .ExecuteNonQuery();
                }
                catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
                {
                    return MediaWriteResult.Conflict;
                }

                return MediaWriteResult.Written;
            },
            cancellationToken);
    }

    public Task<MediaWriteResult> ReserveAsync(string origin, string mediaId, string userId, long nowTs, long expiresTs, int maxPending, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                DeleteLapsed(s, nowTs);
                var pending = s.Command("SELECT COUNT(*) FROM media WHERE user_id = @u AND uploaded_ts IS NULL AND expires_ts > @now")
                    .With("@u", userId).With("@now", nowTs).ScalarInt64();
                if (pending >= maxPending)
                {
                    return MediaWriteResult.TooManyPending;
                }

                try
                {
                    s.Command("INSERT INTO media (origin, media_id, user_id, created_ts, expires_ts) VALUES (@o, @m, @u, @now, @exp)")
                        .With("@o", origin).With("@m", mediaId).With("@u", userId).With("@now", nowTs).With("@exp", expiresTs)
                        .ExecuteNonQuery();
                }
                catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
                {
                    return MediaWriteResult.Conflict;
                }

                return MediaWriteResult.Written;
            },
            cancellationToken);

    public Task<MediaWriteResult> CompleteReservationAsync(string origin, string mediaId, string userId, MediaContent content, long nowTs, long? quotaBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return writes.ExecuteAsync(
            s =>
            {
                using (var r = s.Command("SELECT user_id, uploaded_ts, expires_ts FROM media WHERE origin = @o AND media_id = @m")
                    .With("@o", origin).With("@m", mediaId).ExecuteReader())
                {
                    if (!r.Read())
                    {
                        return MediaWriteResult.NotFound;
                    }

                    // Spec order: an upload that already happened is a conflict whoever asks; a lapsed one is unknown.
                    if (!r.IsDBNull(1))
                    {
                        return MediaWriteResult.AlreadyUploaded;
                    }

                    if (r.GetInt64OrNull(2) is { } expires && expires <= nowTs)
                    {
                        return MediaWriteResult.NotFound;
                    }

                    if (r.GetStringOrNull(0) != userId)
                    {
                        return MediaWriteResult.NotOwner;
                    }
                }

                if (ExceedsQuota(s, userId, content.Size, quotaBytes))
                {
                    return MediaWriteResult.QuotaExceeded;
                }

                s.Command("UPDATE media SET content_type = @ct, upload_name = @n, size = @size, sha256 = @sha, uploaded_ts = @uploaded, expires_ts = NULL " +
                        "WHERE origin = @o AND media_id = @m")
                    .With("@o", origin).With("@m", mediaId).With("@ct", content.ContentType).With("@n", content.UploadName)
                    .With("@size", content.Size).With("@sha", content.Sha256).With("@uploaded", content.UploadedTs)
                    .ExecuteNonQuery();
                return MediaWriteResult.Written;
            },
            cancellationToken);
    }

    public Task<MediaRecord?> GetAsync(string origin, string mediaId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                using var r = s.Command($"SELECT {Columns} FROM media WHERE origin = @o AND media_id = @m")
                    .With("@o", origin).With("@m", mediaId).ExecuteReader();
                return r.Read() ? ReadMedia(r) : null;
            },
            cancellationToken);

    public Task<long> GetUploadedBytesAsync(string userId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(s => UploadedBytes(s, userId), cancellationToken);

    public Task<int> DeleteLapsedReservationsAsync(long nowTs, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(s => DeleteLapsed(s, nowTs), cancellationToken);

    public Task<MediaThumbnailRecord?> GetThumbnailAsync(string origin, string mediaId, int width, int height, string method, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                using var r = s.Command("SELECT content_type, size, sha256 FROM media_thumbnails " +
                        "WHERE origin = @o AND media_id = @m AND width = @w AND height = @h AND method = @method")
                    .With("@o", origin).With("@m", mediaId).With("@w", width).With("@h", height).With("@method", method).ExecuteReader();
                return r.Read() ? new MediaThumbnailRecord(origin, mediaId, width, height, method, r.GetString(0), r.GetInt64(1), r.GetString(2)) : null;
            },
            cancellationToken);

    public Task AddThumbnailAsync(MediaThumbnailRecord thumbnail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        return writes.ExecuteAsync(
            s => s.Command("INSERT INTO media_thumbnails (origin, media_id, width, height, method, content_type, size, sha256) " +
                    "VALUES (@o, @m, @w, @h, @method, @ct, @size, @sha) ON CONFLICT DO NOTHING")
                .With("@o", thumbnail.Origin).With("@m", thumbnail.MediaId).With("@w", thumbnail.Width).With("@h", thumbnail.Height)
                .With("@method", thumbnail.Method).With("@ct", thumbnail.ContentType).With("@size", thumbnail.Size).With("@sha", thumbnail.Sha256)
                .ExecuteNonQuery(),
            cancellationToken);
    }

    public Task<string?> GetUrlPreviewAsync(string url, long notBeforeTs, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s => s.Command("SELECT og_json FROM url_previews WHERE url = @url AND fetched_ts >= @ts")
                .With("@url", url).With("@ts", notBeforeTs).ExecuteScalar() as string,
            cancellationToken);

    public Task StoreUrlPreviewAsync(string url, long fetchedTs, string ogJson, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("INSERT INTO url_previews (url, fetched_ts, og_json) VALUES (@url, @ts, @json) " +
                    "ON CONFLICT (url) DO UPDATE SET fetched_ts = excluded.fetched_ts, og_json = excluded.og_json")
                .With("@url", url).With("@ts", fetchedTs).With("@json", ogJson).ExecuteNonQuery(),
            cancellationToken);

    private static bool ExceedsQuota(SqliteSession s, string userId, long size, long? quotaBytes) =>
        quotaBytes is { } quota && UploadedBytes(s, userId) + size > quota;

    private static long UploadedBytes(SqliteSession s, string userId) =>
        s.Command("SELECT COALESCE(SUM(size), 0) FROM media WHERE user_id = @u AND uploaded_ts IS NOT NULL").With("@u", userId).ScalarInt64();

    private static int DeleteLapsed(SqliteSession s, long nowTs) =>
        s.Command("DELETE FROM media WHERE uploaded_ts IS NULL AND expires_ts <= @now").With("@now", nowTs).ExecuteNonQuery();

    private static MediaRecord ReadMedia(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetStringOrNull(2), r.GetInt64(7))
        {
            ContentType = r.GetStringOrNull(3),
            UploadName = r.GetStringOrNull(4),
            Size = r.GetInt64OrNull(5),
            Sha256 = r.GetStringOrNull(6),
            UploadedTs = r.GetInt64OrNull(8),
            ExpiresTs = r.GetInt64OrNull(9),
        };
}
