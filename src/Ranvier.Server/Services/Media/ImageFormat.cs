namespace Ranvier.Server.Services.Media;

/// <summary>The image formats Ranvier thumbnails, recognised by their leading bytes (never by a client's claim).</summary>
public enum ImageFormat
{
    None,
    Jpeg,
    Png,
    Gif,
    Webp,
}

/// <summary>
/// Recognises images by signature. Only these formats reach the decoder: libvips would otherwise pick any of
/// its loaders (PDF, PostScript, SVG …) from the bytes, whatever Content-Type the uploader claimed.
/// </summary>
public static class ImageFormats
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs at most.</summary>
    public const int SignatureLength = 12;

    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormat.Jpeg;
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        return data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8) ? ImageFormat.Webp : ImageFormat.None;
    }

    public static string ContentType(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Gif => "image/gif",
        ImageFormat.Webp => "image/webp",
        _ => "application/octet-stream",
    };
}
