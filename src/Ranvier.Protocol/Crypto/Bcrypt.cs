using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Ranvier.Protocol.Crypto;

/// <summary>
/// bcrypt (Provos and Mazières, "A Future-Adaptable Password Scheme", 1999): the eksblowfish key schedule
/// run 2^cost times, then "OrpheanBeholderScryDoubt" encrypted 64 times. Synapse stores its passwords as
/// <c>$2b$12$…</c> bcrypt strings, so this exists to verify imported accounts; new hashes are Argon2id.
/// <c>$2a$</c>, <c>$2b$</c> and <c>$2y$</c> are treated alike (they differ only in bugs of old
/// implementations with passwords longer than 255 bytes); the buggy <c>$2x$</c> is refused.
/// </summary>
public static class Bcrypt
{
    /// <summary>Only the first 72 bytes of the password (UTF-8, plus its terminating NUL) enter the key schedule.</summary>
    public const int MaxKeyBytes = 72;

    private const int SaltBytes = 16;
    private const int HashBytes = 23; // 24 bytes of ciphertext, the last one dropped by every implementation
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // "$2b$12$" + 22 characters of salt + 31 of hash.
    private const int EncodedLength = 60;

    /// <summary>True when <paramref name="hash"/> looks like a bcrypt string this class can verify.</summary>
    public static bool IsBcrypt(string hash) => TryParse(hash, out _, out _, out _);

    /// <summary>True when <paramref name="password"/> matches the bcrypt string <paramref name="hash"/>; false for a wrong password or a malformed hash.</summary>
    public static bool Verify(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(hash, out var prefix, out var cost, out var salt))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(hash);
        var actual = Encoding.ASCII.GetBytes(Hash(password, salt, cost, prefix));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>
    /// Hashes <paramref name="password"/> with the given 16-byte salt and cost (4–31) into the modular-crypt
    /// string <c>{prefix}{cost:00}${salt}{hash}</c>. Deterministic, so tests can check published vectors.
    /// </summary>
    public static string Hash(string password, ReadOnlySpan<byte> salt, int cost, string prefix = "$2b$")
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfNotEqual(salt.Length, SaltBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cost, 31);
        if (prefix is not ("$2a$" or "$2b$" or "$2y$"))
        {
            throw new ArgumentException("The prefix must be $2a$, $2b$ or $2y$.", nameof(prefix));
        }

        // The key is the password's bytes with their C string terminator, cut at 72 bytes.
        var utf8 = Encoding.UTF8.GetBytes(password + "\0");
        var key = utf8.AsSpan(0, Math.Min(utf8.Length, MaxKeyBytes));
        try
        {
            var digest = Compute(key, salt, cost);
            return $"{prefix}{cost:00}${Encode(salt)}{Encode(digest)}";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    private static byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt, int cost)
    {
        // EksBlowfishSetup: the salted key schedule, then 2^cost rounds alternating key and salt.
        var state = new BlowfishState();
        state.Expand(key, salt);
        for (long round = 1L << cost; round > 0; round--)
        {
            state.Expand(key, default);
            state.Expand(salt, default);
        }

        Span<uint> text = stackalloc uint[6];
        ReadOnlySpan<byte> magic = "OrpheanBeholderScryDoubt"u8;
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = BinaryPrimitives.ReadUInt32BigEndian(magic[(4 * i)..]);
        }

        for (var pass = 0; pass < 64; pass++)
        {
            for (var i = 0; i < text.Length; i += 2)
            {
                state.Encipher(ref text[i], ref text[i + 1]);
            }
        }

        var output = new byte[24];
        for (var i = 0; i < text.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(4 * i), text[i]);
        }

        return output[..HashBytes];
    }

    private static bool TryParse(string hash, out string prefix, out int cost, out byte[] salt)
    {
        prefix = "";
        cost = 0;
        salt = [];
        if (hash is null || hash.Length != EncodedLength || hash[6] != '$')
        {
            return false;
        }

        prefix = hash[..4];
        if (prefix is not ("$2a$" or "$2b$" or "$2y$") || !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]))
        {
            return false;
        }

        cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        if (cost is < 4 or > 31 || hash.AsSpan(7).IndexOfAnyExcept(Alphabet) >= 0)
        {
            return false;
        }

        salt = Decode(hash.AsSpan(7, 22), SaltBytes);
        return true;
    }

    // bcrypt's base64: the usual bit packing (3 bytes to 4 characters, no padding) over its own alphabet.
    private static string Encode(ReadOnlySpan<byte> data)
    {
        var standard = Convert.ToBase64String(data).TrimEnd('=');
        return string.Create(standard.Length, standard, static (chars, source) =>
        {
            const string Standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[Standard.IndexOf(source[i], StringComparison.Ordinal)];
            }
        });
    }

    private static byte[] Decode(ReadOnlySpan<char> text, int length)
    {
        // Bits beyond the last whole byte (the 22nd salt character carries 4 spare bits) are ignored, as everywhere.
        var output = new byte[length];
        int bits = 0, accumulator = 0, written = 0;
        foreach (var c in text)
        {
            accumulator = (accumulator << 6) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 6;
            if (bits >= 8 && written < length)
            {
                bits -= 8;
                output[written++] = (byte)(accumulator >> bits);
            }
        }

        return output;
    }

    /// <summary>Blowfish's P-array and S-boxes, being rekeyed by the eksblowfish schedule.</summary>
    private sealed class BlowfishState
    {
        private readonly uint[] p = new uint[18];
        private readonly uint[] s = new uint[4 * 256];

        public BlowfishState()
        {
            var initial = PiWords.Value;
            initial.AsSpan(0, 18).CopyTo(p);
            initial.AsSpan(18).CopyTo(s);
        }

        /// <summary>
        /// The ExpandKey step: XOR the key (cyclically, as big-endian words) into P, then replace P and the
        /// S-boxes by successive encryptions of a block that is XORed with the salt (cyclically) each time.
        /// An empty <paramref name="salt"/> means a zero salt: Blowfish's ordinary key schedule.
        /// </summary>
        public void Expand(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        {
            var keyPosition = 0;
            for (var i = 0; i < p.Length; i++)
            {
                p[i] ^= NextWord(key, ref keyPosition);
            }

            uint left = 0, right = 0;
            var saltPosition = 0;
            Refill(p, salt, ref left, ref right, ref saltPosition);
            Refill(s, salt, ref left, ref right, ref saltPosition);
        }

        private void Refill(uint[] target, ReadOnlySpan<byte> salt, ref uint left, ref uint right, ref int saltPosition)
        {
            for (var i = 0; i < target.Length; i += 2)
            {
                if (!salt.IsEmpty)
                {
                    left ^= NextWord(salt, ref saltPosition);
                    right ^= NextWord(salt, ref saltPosition);
                }

                Encipher(ref left, ref right);
                target[i] = left;
                target[i + 1] = right;
            }
        }

        public void Encipher(ref uint left, ref uint right)
        {
            uint l = left, r = right;
            for (var round = 0; round < 16; round += 2)
            {
                l ^= p[round];
                r ^= F(l);
                r ^= p[round + 1];
                l ^= F(r);
            }

            left = r ^ p[17];
            right = l ^ p[16];
        }

        private uint F(uint x) =>
            ((s[x >> 24] + s[256 + ((x >> 16) & 0xFF)]) ^ s[512 + ((x >> 8) & 0xFF)]) + s[768 + (x & 0xFF)];

        private static uint NextWord(ReadOnlySpan<byte> data, ref int position)
        {
            uint word = 0;
            for (var i = 0; i < 4; i++)
            {
                word = (word << 8) | data[position];
                position = (position + 1) % data.Length;
            }

            return word;
        }
    }

    /// <summary>
    /// Blowfish's initial P-array (18 words) and S-boxes (4 × 256 words) are the fractional hex digits of π
    /// in order. They are computed once (Machin's formula on big integers, a few milliseconds) rather than
    /// pasted as a table of a thousand constants; the published bcrypt vectors in the tests pin the result.
    /// </summary>
    private static readonly Lazy<uint[]> PiWords = new(() =>
    {
        const int Words = 18 + (4 * 256);
        const int Guard = 64; // absorbs the truncation error of the series (one unit per term)
        var bits = (Words * 32) + Guard;
        var pi = (16 * ArcTanInverse(5, bits)) - (4 * ArcTanInverse(239, bits));
        var fraction = pi - (new BigInteger(3) << bits);
        var words = new uint[Words];
        for (var i = 0; i < Words; i++)
        {
            words[i] = (uint)((fraction >> (bits - (32 * (i + 1)))) & uint.MaxValue);
        }

        return words;
    });

    // arctan(1/x) scaled by 2^bits: the alternating series sum of 1 / ((2k+1) x^(2k+1)).
    private static BigInteger ArcTanInverse(int x, int bits)
    {
        var power = (BigInteger.One << bits) / x;
        var sum = power;
        var squared = x * x;
        for (var k = 1; !power.IsZero; k++)
        {
            power /= squared;
            var term = power / ((2 * k) + 1);
            sum = (k & 1) == 1 ? sum - term : sum + term;
        }

        return sum;
    }
}
