using System.Runtime.InteropServices;

namespace Ranvier.Server.Services.Media;

/// <summary>
/// The thin binding to libvips (Debian <c>libvips42</c>): header dimensions, <c>vips_thumbnail_buffer</c> and
/// encoding. The library is resolved once by its versioned soname; when it is missing
/// <see cref="TryLoad"/> says why and the server runs without thumbnails. The variadic C functions are bound
/// with their option lists spelled out and a terminating null, which the x64 and arm64 Linux calling
/// conventions pass exactly like fixed arguments.
/// </summary>
internal sealed class Vips
{
    public const string SoName = "libvips.so.42";

    // VipsSize and VipsInteresting (vips/resample.h, vips/conversion.h).
    private const int SizeDown = 2;
    private const int InterestingNone = 0;
    private const int InterestingCentre = 1;

    private readonly VipsInit init;
    private readonly NewFromBuffer newFromBuffer;
    private readonly GetInt getWidth;
    private readonly GetInt getHeight;
    private readonly ThumbnailBuffer thumbnailBuffer;
    private readonly WriteToBuffer writeToBuffer;
    private readonly ErrorBuffer errorBuffer;
    private readonly VoidFn errorClear;
    private readonly PointerFn objectUnref;
    private readonly PointerFn free;

    private Vips(IntPtr library)
    {
        init = Export<VipsInit>(library, "vips_init");
        newFromBuffer = Export<NewFromBuffer>(library, "vips_image_new_from_buffer");
        getWidth = Export<GetInt>(library, "vips_image_get_width");
        getHeight = Export<GetInt>(library, "vips_image_get_height");
        thumbnailBuffer = Export<ThumbnailBuffer>(library, "vips_thumbnail_buffer");
        writeToBuffer = Export<WriteToBuffer>(library, "vips_image_write_to_buffer");
        errorBuffer = Export<ErrorBuffer>(library, "vips_error_buffer");
        errorClear = Export<VoidFn>(library, "vips_error_clear");
        // GLib's, found through libvips' own dependencies.
        objectUnref = Export<PointerFn>(library, "g_object_unref");
        free = Export<PointerFn>(library, "g_free");

        if (init("ranvier") != 0)
        {
            throw new InvalidOperationException("vips_init failed: " + LastError());
        }

        // No operation cache: cached loads would keep pointers to buffers that are unpinned after each call.
        Export<IntFn>(library, "vips_cache_set_max")(0);
        // Where available (8.13+), refuse the loaders libvips itself marks as unsafe for untrusted input.
        if (NativeLibrary.TryGetExport(library, "vips_block_untrusted_set", out var block))
        {
            Marshal.GetDelegateForFunctionPointer<IntFn>(block)(1);
        }
    }

    private delegate int VipsInit([MarshalAs(UnmanagedType.LPUTF8Str)] string argv0);

    private delegate IntPtr NewFromBuffer(IntPtr buffer, nuint length, [MarshalAs(UnmanagedType.LPUTF8Str)] string options, IntPtr end);

    private delegate int GetInt(IntPtr image);

    private delegate int ThumbnailBuffer(
        IntPtr buffer, nuint length, out IntPtr image, int width,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string heightName, int height,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string sizeName, int size,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string cropName, int crop,
        IntPtr end);

    private delegate int WriteToBuffer(IntPtr image, [MarshalAs(UnmanagedType.LPUTF8Str)] string suffix, out IntPtr buffer, out nuint length, IntPtr end);

    private delegate IntPtr ErrorBuffer();

    private delegate void VoidFn();

    private delegate void IntFn(int value);

    private delegate void PointerFn(IntPtr pointer);

    private static readonly Lazy<(Vips? Vips, string? Reason)> Shared = new(Load);

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    /// <summary>
    /// libvips, loaded and initialised once per process; null with <paramref name="reason"/> when it cannot be
    /// used.
    /// </summary>
    public static Vips? TryLoad(out string? reason)
    {
        (var vips, reason) = Shared.Value;
        return vips;
    }

    private static (Vips?, string?) Load()
    {
        if (!NativeLibrary.TryLoad(SoName, typeof(Vips).Assembly, null, out var library))
        {
            return (null, $"{SoName} was not found (Debian/Ubuntu: apt-get install libvips42)");
        }

        try
        {
            // vips_init loads optional modules from $VIPSHOME/lib/vips-modules-*: ImageMagick, poppler, openslide,
            // HEIF, JPEG XL. The ImageMagick one installs its own handlers for signals the .NET runtime relies on
            // (SIGSEGV among them), which crashes the process later. The formats Ranvier thumbnails (JPEG, PNG,
            // GIF, WebP) are built into libvips itself, so a VIPSHOME without modules loses nothing and keeps
            // those decoders (and their attack surface) out. The native environment is what GLib reads, hence setenv.
            SetEnv("VIPSHOME", Path.Combine(AppContext.BaseDirectory, "no-vips-modules"), 1);
            return (new Vips(library), null);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or InvalidOperationException or DllNotFoundException)
        {
            return (null, $"{SoName} could not be initialised: {e.Message}");
        }
    }

    /// <summary>Width and height from the image's header, without decoding its pixels; null when unreadable.</summary>
    public (int Width, int Height)? ReadDimensions(byte[] data)
    {
        var pin = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            // Loading from a buffer is lazy: only the header is parsed until pixels are asked for.
            var image = newFromBuffer(pin.AddrOfPinnedObject(), (nuint)data.Length, "", IntPtr.Zero);
            if (image == IntPtr.Zero)
            {
                errorClear();
                return null;
            }

            try
            {
                return (getWidth(image), getHeight(image));
            }
            finally
            {
                objectUnref(image);
            }
        }
        finally
        {
            pin.Free();
        }
    }

    /// <summary>
    /// Shrinks to fit within <paramref name="width"/>×<paramref name="height"/> (or fills it exactly and cuts the
    /// centre when <paramref name="crop"/>), never enlarging, and encodes with <paramref name="suffix"/>
    /// (".png", ".jpg[Q=85,strip]").
    /// </summary>
    public byte[] Thumbnail(byte[] data, int width, int height, bool crop, string suffix)
    {
        var pin = GCHandle.Alloc(data, GCHandleType.Pinned);
        var image = IntPtr.Zero;
        try
        {
            if (thumbnailBuffer(pin.AddrOfPinnedObject(), (nuint)data.Length, out image, width, "height", height, "size", SizeDown,
                    "crop", crop ? InterestingCentre : InterestingNone, IntPtr.Zero) != 0)
            {
                throw new VipsException(LastError());
            }

            if (writeToBuffer(image, suffix, out var buffer, out var length, IntPtr.Zero) != 0)
            {
                throw new VipsException(LastError());
            }

            try
            {
                var result = new byte[checked((int)length)];
                Marshal.Copy(buffer, result, 0, result.Length);
                return result;
            }
            finally
            {
                free(buffer);
            }
        }
        finally
        {
            if (image != IntPtr.Zero)
            {
                objectUnref(image);
            }

            pin.Free();
        }
    }

    private static T Export<T>(IntPtr library, string name)
        where T : Delegate =>
        Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));

    private string LastError()
    {
        var message = Marshal.PtrToStringUTF8(errorBuffer()) ?? "unknown libvips error";
        errorClear();
        return message.Trim();
    }
}

/// <summary>libvips refused or failed to process an image.</summary>
internal sealed class VipsException : Exception
{
    public VipsException(string message)
        : base(message)
    {
    }

    public VipsException()
    {
    }

    public VipsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
