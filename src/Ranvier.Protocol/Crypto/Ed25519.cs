using System.Security.Cryptography;

namespace Ranvier.Protocol.Crypto;

/// <summary>
/// Ed25519 (RFC 8032) signing and verification over libsodium. Keys are handled as their 32-byte seed
/// (private) and 32-byte public key, the forms Matrix and Synapse's signing-key files use.
/// </summary>
public static unsafe class Ed25519
{
    public const int SeedSize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;
    public const int SecretKeySize = 64;

    /// <summary>Fails fast with a clear message when libsodium is missing (called at server start-up).</summary>
    public static void EnsureAvailable() => Sodium.EnsureAvailable();

    /// <summary>Creates a fresh random 32-byte seed.</summary>
    public static byte[] GenerateSeed() => RandomNumberGenerator.GetBytes(SeedSize);

    /// <summary>Derives the public key belonging to a seed.</summary>
    public static byte[] PublicKeyFromSeed(ReadOnlySpan<byte> seed)
    {
        var publicKey = new byte[PublicKeySize];
        Span<byte> secret = stackalloc byte[SecretKeySize];
        try
        {
            Expand(seed, publicKey, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        return publicKey;
    }

    /// <summary>Signs <paramref name="message"/> with the key derived from <paramref name="seed"/>.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        var signature = new byte[SignatureSize];
        Sign(seed, message, signature);
        return signature;
    }

    /// <summary>
    /// Signs into a caller-provided 64-byte buffer. Derives the key pair from the seed first (a scalar
    /// multiplication); a key used many times keeps its <see cref="SecretKey"/> instead.
    /// </summary>
    public static void Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        Span<byte> publicKey = stackalloc byte[PublicKeySize];
        Span<byte> secret = stackalloc byte[SecretKeySize];
        try
        {
            Expand(seed, publicKey, secret);
            SignWithSecretKey(secret, message, signature);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// The 64-byte secret key libsodium signs with (the seed followed by its public key), derived once so
    /// that each signature costs one scalar multiplication instead of two.
    /// </summary>
    public static byte[] SecretKey(ReadOnlySpan<byte> seed)
    {
        Span<byte> publicKey = stackalloc byte[PublicKeySize];
        var secret = new byte[SecretKeySize];
        Expand(seed, publicKey, secret);
        return secret;
    }

    /// <summary>Signs with a secret key from <see cref="SecretKey"/> into a 64-byte buffer (no allocation).</summary>
    public static void SignWithSecretKey(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        if (secretKey.Length != SecretKeySize)
        {
            throw new ArgumentException("An Ed25519 secret key is 64 bytes.", nameof(secretKey));
        }

        if (signature.Length < SignatureSize)
        {
            throw new ArgumentException("The signature buffer must hold 64 bytes.", nameof(signature));
        }

        Sodium.EnsureAvailable();
        fixed (byte* sig = signature)
        fixed (byte* msg = message)
        fixed (byte* sk = secretKey)
        {
            ulong length;
            if (Sodium.crypto_sign_ed25519_detached(sig, &length, msg, (ulong)message.Length, sk) != 0)
            {
                throw new CryptographicException("Ed25519 signing failed.");
            }
        }
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="message"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        Sodium.EnsureAvailable();
        fixed (byte* sig = signature)
        fixed (byte* msg = message)
        fixed (byte* pk = publicKey)
        {
            return Sodium.crypto_sign_ed25519_verify_detached(sig, msg, (ulong)message.Length, pk) == 0;
        }
    }

    private static void Expand(ReadOnlySpan<byte> seed, Span<byte> publicKey, Span<byte> secret)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        Sodium.EnsureAvailable();
        fixed (byte* s = seed)
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secret)
        {
            if (Sodium.crypto_sign_ed25519_seed_keypair(pk, sk, s) != 0)
            {
                throw new CryptographicException("Ed25519 key derivation failed.");
            }
        }
    }
}
