using System.Security.Cryptography;
using System.Text;

namespace Ranvier.Protocol.Crypto;

/// <summary>The cost of an Argon2id password hash: passes over memory, and memory in KiB.</summary>
public readonly record struct PasswordHashCost(int Iterations, int MemoryKib)
{
    /// <summary>libsodium's "moderate"-class interactive setting: 2 passes over 64 MiB (tens of milliseconds per hash).</summary>
    public static PasswordHashCost Default { get; } = new(2, 64 * 1024);
}

/// <summary>
/// Password hashing with Argon2id (memory-hard; RFC 9106) through libsodium, in the standard PHC string
/// form <c>$argon2id$v=19$m=…,t=…,p=1$salt$hash</c>, so the cost and salt travel with the hash and the
/// cost can be raised later without invalidating stored hashes.
/// </summary>
public static unsafe class Argon2id
{
    /// <summary>The prefix every hash this class produces starts with.</summary>
    public const string Prefix = "$argon2id$";

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt.</summary>
    public static string Hash(string password, PasswordHashCost cost)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (cost.Iterations < 1 || cost.MemoryKib < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), "Argon2id needs at least 1 iteration and 8 KiB.");
        }

        Sodium.EnsureAvailable();
        var utf8 = Encoding.UTF8.GetBytes(password);
        Span<byte> output = stackalloc byte[Sodium.PasswordHashStringBytes];
        try
        {
            fixed (byte* o = output)
            fixed (byte* p = utf8)
            {
                if (Sodium.crypto_pwhash_argon2id_str(o, p, (ulong)utf8.Length, (ulong)cost.Iterations, (nuint)cost.MemoryKib * 1024) != 0)
                {
                    throw new CryptographicException("Argon2id hashing failed (out of memory?).");
                }
            }

            return Encoding.ASCII.GetString(output[..output.IndexOf((byte)0)]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/>; false for a wrong password or a hash that is not Argon2id.</summary>
    public static bool Verify(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(password);
        if (!hash.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        Sodium.EnsureAvailable();
        var encoded = NullTerminated(hash);
        var utf8 = Encoding.UTF8.GetBytes(password);
        try
        {
            fixed (byte* h = encoded)
            fixed (byte* p = utf8)
            {
                return Sodium.crypto_pwhash_argon2id_str_verify(h, p, (ulong)utf8.Length) == 0;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>True when <paramref name="hash"/> was made with another cost and should be replaced at the next successful login.</summary>
    public static bool NeedsRehash(string hash, PasswordHashCost cost)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Sodium.EnsureAvailable();
        var encoded = NullTerminated(hash);
        fixed (byte* h = encoded)
        {
            return Sodium.crypto_pwhash_argon2id_str_needs_rehash(h, (ulong)cost.Iterations, (nuint)cost.MemoryKib * 1024) != 0;
        }
    }

    private static byte[] NullTerminated(string ascii)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(ascii) + 1];
        Encoding.UTF8.GetBytes(ascii, bytes);
        return bytes;
    }
}
