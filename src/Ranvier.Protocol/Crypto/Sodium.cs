using System.Reflection;
using System.Runtime.InteropServices;

namespace Ranvier.Protocol.Crypto;

/// <summary>
/// The thin P/Invoke binding to libsodium (Debian <c>libsodium23</c>). Only the handful of functions Ranvier
/// needs are bound. The runtime package ships no unversioned <c>libsodium.so</c>, so the versioned name is
/// resolved once here; a missing library is reported by <see cref="EnsureAvailable"/> with a clear message.
/// </summary>
internal static unsafe partial class Sodium
{
    private const string Library = "libsodium";

    private static readonly string[] Candidates =
    [
        "libsodium.so.23", "libsodium.so.26", "libsodium.so", "libsodium.dylib", "libsodium.dll", "libsodium",
    ];

    private static readonly Lazy<Exception?> Initialised = new(Initialise);

    static Sodium() => NativeLibrary.SetDllImportResolver(typeof(Sodium).Assembly, Resolve);

    /// <summary>Loads and initialises libsodium, or throws with an explanation of what to install.</summary>
    public static void EnsureAvailable()
    {
        if (Initialised.Value is { } error)
        {
            throw new InvalidOperationException(
                "libsodium could not be loaded; install it (Debian/Ubuntu: apt-get install libsodium23). " + error.Message,
                error);
        }
    }

    private static Exception? Initialise()
    {
        try
        {
            return sodium_init() < 0 ? new InvalidOperationException("sodium_init failed") : null;
        }
        catch (DllNotFoundException e)
        {
            return e;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    internal static partial int crypto_sign_ed25519_seed_keypair(byte* publicKey, byte* secretKey, byte* seed);

    [LibraryImport(Library)]
    internal static partial int crypto_sign_ed25519_detached(
        byte* signature, ulong* signatureLength, byte* message, ulong messageLength, byte* secretKey);

    [LibraryImport(Library)]
    internal static partial int crypto_sign_ed25519_verify_detached(
        byte* signature, byte* message, ulong messageLength, byte* publicKey);

    /// <summary>crypto_pwhash_argon2id_STRBYTES: the size of an encoded hash buffer, terminator included.</summary>
    internal const int PasswordHashStringBytes = 128;

    [LibraryImport(Library)]
    internal static partial int crypto_pwhash_argon2id_str(byte* hash, byte* password, ulong passwordLength, ulong opsLimit, nuint memLimit);

    [LibraryImport(Library)]
    internal static partial int crypto_pwhash_argon2id_str_verify(byte* hash, byte* password, ulong passwordLength);

    [LibraryImport(Library)]
    internal static partial int crypto_pwhash_argon2id_str_needs_rehash(byte* hash, ulong opsLimit, nuint memLimit);
}
