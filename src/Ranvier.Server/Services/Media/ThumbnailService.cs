using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Storage.Media;

namespace Ranvier.Server.Services.Media;

/// <summary>How a thumbnail is fitted (spec: content repository, "Thumbnails").</summary>
public enum ThumbnailMethod
{
    /// <summary>Keeps the aspect ratio; the result covers the requested size.</summary>
    Scale,

    /// <summary>Exactly the requested size (when the image allows), the centre cut out.</summary>
    Crop,
}

/// <summary>A thumbnail (or the original, when it is no larger than asked) ready to serve.</summary>
internal sealed record ThumbnailFile(string Path, string ContentType, long Size);

/// <summary>
/// Thumbnails made on demand with libvips and kept (file and store row) for the next request. Requests are
/// rounded up to the smallest of the spec's recommended sizes that covers them (32×32 and 96×96 crop;
/// 320×240, 640×480 and 800×600 scale), so most clients share a few cached sizes. The pixel count of an image
/// is read from its header and checked before anything decodes it.
/// </summary>
internal sealed partial class ThumbnailService : IDisposable
{
    private static readonly (int Width, int Height, ThumbnailMethod Method)[] StandardSizes =
    [
        (32, 32, ThumbnailMethod.Crop),
        (96, 96, ThumbnailMethod.Crop),
        (320, 240, ThumbnailMethod.Scale),
        (640, 480, ThumbnailMethod.Scale),
        (800, 600, ThumbnailMethod.Scale),
    ];

    private readonly Lazy<Vips?> vips;
    private readonly IMediaStore store;
    private readonly MediaFileStore files;
    private readonly MediaOptions options;
    private readonly string? turnedOff;

    // Decoding is CPU- and memory-heavy: at most this many images at once, whatever the request load.
    private readonly SemaphoreSlim decoders = new(Math.Max(1, Environment.ProcessorCount / 2));

    public ThumbnailService(IMediaStore store, MediaFileStore files, RanvierOptions options, ILogger<ThumbnailService> logger)
    {
        this.store = store;
        this.files = files;
        this.options = options.Media;
        if (!this.options.Thumbnails)
        {
            turnedOff = "thumbnails are turned off (media.thumbnails: false)";
            LogThumbnailsOff(logger, turnedOff);
        }

        // libvips and the image libraries it pulls in take about 20 MB of memory once mapped: they are loaded with the
        // first image, not at start (docs/benchmarks.md).
        vips = new Lazy<Vips?>(() =>
        {
            if (turnedOff is not null)
            {
                return null;
            }

            var loaded = Vips.TryLoad(out var reason);
            if (loaded is null)
            {
                LogThumbnailsOff(logger, reason!);
            }
            else
            {
                LogThumbnailsOn(logger, Vips.SoName);
            }

            return loaded;
        });
    }

    /// <summary>Why thumbnails cannot be made, or null when they can (asking loads libvips).</summary>
    public string? UnavailableReason
    {
        get
        {
            if (turnedOff is not null)
            {
                return turnedOff;
            }

            _ = vips.Value;
            Vips.TryLoad(out var reason);
            return reason;
        }
    }

    public bool IsAvailable => vips.Value is not null;

    /// <summary>The dimensions an image's header declares, when libvips is present and can read it.</summary>
    public (int Width, int Height)? ReadDimensions(byte[] data) =>
        ImageFormats.Detect(data) != ImageFormat.None && vips.Value is { } loaded ? loaded.ReadDimensions(data) : null;

    /// <summary>
    /// A thumbnail of <paramref name="media"/> (stored at <paramref name="path"/>) at least
    /// <paramref name="width"/>×<paramref name="height"/> where the image allows.
    /// </summary>
    public async Task<ThumbnailFile> GetAsync(MediaRecord media, string path, int width, int height, ThumbnailMethod method, CancellationToken cancellationToken)
    {
        var library = vips.Value
            ?? throw new MatrixError(StatusCodes.Status400BadRequest, "M_UNKNOWN", "Thumbnails are not available on this server");

        var (targetWidth, targetHeight) = Target(width, height, method);
        var methodName = method == ThumbnailMethod.Crop ? "crop" : "scale";
        if (await store.GetThumbnailAsync(media.Origin, media.MediaId, targetWidth, targetHeight, methodName, cancellationToken) is { } cached
            && files.Find(cached.Sha256) is { } cachedPath)
        {
            return new ThumbnailFile(cachedPath, cached.ContentType, cached.Size);
        }

        // The signature first: content that is no image is refused without reading all of it.
        if (ImageFormats.Detect(await ReadSignatureAsync(path, cancellationToken)) == ImageFormat.None)
        {
            throw new MatrixError(StatusCodes.Status400BadRequest, "M_UNKNOWN", "Cannot generate thumbnails for the requested content");
        }

        var data = await File.ReadAllBytesAsync(path, cancellationToken);
        var format = ImageFormats.Detect(data);

        await decoders.WaitAsync(cancellationToken);
        byte[]? thumbnail;
        try
        {
            // The decompression-bomb guard: the header's declared size is checked before any pixel is decoded.
            var (sourceWidth, sourceHeight) = library.ReadDimensions(data)
                ?? throw new MatrixError(StatusCodes.Status400BadRequest, "M_UNKNOWN", "Cannot generate thumbnails for the requested content");
            if ((long)sourceWidth * sourceHeight > options.MaxImagePixels)
            {
                throw MatrixError.TooLarge("Content is too large to thumbnail");
            }

            // Spec: never upscale, and never return less than asked unless the original is smaller; so an image
            // that would have to shrink below the request in either dimension is served as it is.
            var factor = Math.Max((double)targetWidth / sourceWidth, (double)targetHeight / sourceHeight);
            if (factor >= 1)
            {
                return new ThumbnailFile(path, ImageFormats.ContentType(format), data.LongLength);
            }

            thumbnail = await Task.Run(() => Render(library, data, format, sourceWidth, sourceHeight, targetWidth, targetHeight, method), cancellationToken);
        }
        catch (VipsException)
        {
            throw new MatrixError(StatusCodes.Status400BadRequest, "M_UNKNOWN", "Cannot generate thumbnails for the requested content");
        }
        finally
        {
            decoders.Release();
        }

        var contentType = OutputType(format);
        using var staged = await files.StageAsync(thumbnail, cancellationToken);
        staged.Place();
        await store.AddThumbnailAsync(
            new MediaThumbnailRecord(media.Origin, media.MediaId, targetWidth, targetHeight, methodName, contentType, staged.Size, staged.Sha256),
            cancellationToken);
        return new ThumbnailFile(files.Find(staged.Sha256)!, contentType, staged.Size);
    }

    public void Dispose() => decoders.Dispose();

    /// <summary>The smallest standard size of the method covering the request, else the request itself.</summary>
    internal static (int Width, int Height) Target(int width, int height, ThumbnailMethod method)
    {
        foreach (var size in StandardSizes)
        {
            if (size.Method == method && size.Width >= width && size.Height >= height)
            {
                return (size.Width, size.Height);
            }
        }

        return (width, height);
    }

    private static async Task<byte[]> ReadSignatureAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var signature = new byte[ImageFormats.SignatureLength];
        var read = await file.ReadAtLeastAsync(signature, signature.Length, throwOnEndOfStream: false, cancellationToken);
        return signature[..read];
    }

    // PNG keeps transparency (PNG, GIF and WebP sources); photographs stay JPEG.
    private static string OutputType(ImageFormat format) => format == ImageFormat.Jpeg ? "image/jpeg" : "image/png";

    private static byte[] Render(Vips library, byte[] data, ImageFormat format, int sourceWidth, int sourceHeight, int width, int height, ThumbnailMethod method)
    {
        var suffix = format == ImageFormat.Jpeg ? ".jpg[Q=85,strip]" : ".png[strip]";
        if (method == ThumbnailMethod.Crop)
        {
            return library.Thumbnail(data, width, height, crop: true, suffix);
        }

        // Scale so that the image covers the box: the dimension that needs the gentler shrink is pinned to the
        // request and the other left free (a bound libvips never reaches).
        const int unbounded = 10_000_000;
        return (double)width / sourceWidth >= (double)height / sourceHeight
            ? library.Thumbnail(data, width, unbounded, crop: false, suffix)
            : library.Thumbnail(data, unbounded, height, crop: false, suffix);
    }

    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Thumbnails are on ({Library})")]
    private static partial void LogThumbnailsOn(ILogger logger, string library);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Thumbnails are OFF: {Reason}. Thumbnail requests will answer with an error; everything else in the media repository works.")]
    private static partial void LogThumbnailsOff(ILogger logger, string reason);
}
