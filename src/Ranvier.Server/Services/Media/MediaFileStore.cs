using System.Security.Cryptography;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Media;

/// <summary>A file written to the temporary area, hashed and measured, not yet in place.</summary>
internal sealed class StagedFile(MediaFileStore store, string tempPath, string sha256, long size) : IDisposable
{
    private bool placed;

    public string Sha256 { get; } = sha256;

    public long Size { get; } = size;

    /// <summary>Moves the bytes to their content address; identical bytes already there are kept (deduplication).</summary>
    public void Place()
    {
        store.Place(tempPath, Sha256);
        placed = true;
    }

    /// <summary>Removes the temporary file unless it was placed.</summary>
    public void Dispose()
    {
        if (!placed)
        {
            MediaFileStore.DeleteQuietly(tempPath);
        }
    }
}

/// <summary>
/// The bytes of media and thumbnails on disk, content-addressed: a file is named by the SHA-256 of its bytes
/// (<c>content/ab/cd/abcd…</c>), so identical uploads share one file. Writes go to <c>tmp/</c> first and are
/// moved into place only when complete and flushed, so a crash or a refused upload never leaves a partial
/// file under <c>content/</c>.
/// </summary>
internal sealed class MediaFileStore
{
    private const int BufferSize = 81920;
    private readonly string contentRoot;
    private readonly string tempRoot;

    public MediaFileStore(RanvierOptions options)
    {
        contentRoot = Path.Combine(options.Media.StorePath, "content");
        tempRoot = Path.Combine(options.Media.StorePath, "tmp");
    }

    /// <summary>Creates the directories and removes temporary files a previous run left behind.</summary>
    public void Prepare()
    {
        Directory.CreateDirectory(contentRoot);
        if (Directory.Exists(tempRoot))
        {
            Directory.Delete(tempRoot, recursive: true);
        }

        Directory.CreateDirectory(tempRoot);
    }

    /// <summary>
    /// Copies <paramref name="source"/> to a temporary file, hashing as it goes. More than
    /// <paramref name="maxBytes"/>: the file is removed and 413 M_TOO_LARGE thrown. On any failure nothing stays.
    /// </summary>
    public async Task<StagedFile> StageAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(tempRoot);
        var tempPath = Path.Combine(tempRoot, Guid.NewGuid().ToString("N"));
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw MatrixError.TooLarge($"Cannot upload files larger than {maxBytes} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            return new StagedFile(this, tempPath, Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        }
        catch
        {
            DeleteQuietly(tempPath);
            throw;
        }
    }

    /// <summary>Stages bytes already in memory (thumbnails, preview images).</summary>
    public async Task<StagedFile> StageAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        using var source = new MemoryStream(bytes, writable: false);
        return await StageAsync(source, long.MaxValue, cancellationToken);
    }

    /// <summary>The path of the file with these bytes, or null when it is missing.</summary>
    public string? Find(string sha256)
    {
        var path = ContentPath(sha256);
        return File.Exists(path) ? path : null;
    }

    internal void Place(string tempPath, string sha256)
    {
        var target = ContentPath(sha256);
        if (File.Exists(target))
        {
            DeleteQuietly(tempPath);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(tempPath, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // A concurrent upload of the same bytes got there first.
            DeleteQuietly(tempPath);
        }
    }

    internal static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next start's sweep of tmp/.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string ContentPath(string sha256)
    {
        // The hash is ours (lower-case hex), never a client's string; check anyway before it becomes a path.
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a SHA-256 in lower-case hex", nameof(sha256));
        }

        return Path.Combine(contentRoot, sha256[..2], sha256[2..4], sha256);
    }
}
