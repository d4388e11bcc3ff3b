using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Crypto;

/// <summary>
/// A server's ed25519 signing key: its key ID (<c>ed25519:a_XXXX</c>) and 32-byte seed. Stored in the
/// one-line format Synapse and Dendrite admins know: <c>ed25519 a_XXXX &lt;unpadded base64 seed&gt;</c>
/// (one key per line), so existing key files can be brought over.
/// </summary>
public sealed class SigningKey
{
    private readonly byte[] _seed;
    private readonly byte[] _secretKey;

    private SigningKey(KeyId keyId, byte[] seed)
    {
        KeyId = keyId;
        _seed = seed;
        _secretKey = Ed25519.SecretKey(seed);
        PublicKey = _secretKey.AsSpan(Ed25519.SeedSize).ToArray();
        PublicKeyBase64 = UnpaddedBase64.Encode(PublicKey.Span);
    }

    public KeyId KeyId { get; }

    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>The public key as it is published in <c>/_matrix/key/v2/server</c>.</summary>
    public string PublicKeyBase64 { get; }

    /// <summary>Creates a key from its seed; the key ID must name the ed25519 algorithm.</summary>
    public static SigningKey FromSeed(KeyId keyId, ReadOnlySpan<byte> seed)
    {
        if (keyId.Algorithm != KeyId.Ed25519Algorithm)
        {
            throw new ArgumentException($"Only {KeyId.Ed25519Algorithm} keys are supported, not '{keyId.Algorithm}'.", nameof(keyId));
        }

        if (seed.Length != Ed25519.SeedSize)
        {
            throw new ArgumentException("An ed25519 seed is 32 bytes.", nameof(seed));
        }

        return new SigningKey(keyId, seed.ToArray());
    }

    /// <summary>Generates a fresh key with a random version in Synapse's style (<c>a_</c> plus four letters or digits).</summary>
    public static SigningKey Generate(string? version = null)
    {
        version ??= "a_" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 4);
        return FromSeed(KeyId.Create(KeyId.Ed25519Algorithm, version), Ed25519.GenerateSeed());
    }

    /// <summary>Signs raw bytes (callers signing JSON use <see cref="JsonSigning"/>).</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.SignWithSecretKey(_secretKey, message, signature);
        return signature;
    }

    /// <summary>The key-file line: <c>ed25519 &lt;version&gt; &lt;base64 seed&gt;</c>. This is the secret.</summary>
    public string ToKeyFileLine() => $"{KeyId.Algorithm} {KeyId.Version} {UnpaddedBase64.Encode(_seed)}";

    /// <summary>Reads one key-file line, giving the reason when it is malformed.</summary>
    public static bool TryParseKeyFileLine(string? line, [NotNullWhen(true)] out SigningKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (parts.Length != 3)
        {
            error = "a signing key line has three fields: 'ed25519 <version> <base64 seed>'";
            return false;
        }

        if (parts[0] != KeyId.Ed25519Algorithm)
        {
            error = $"unsupported key algorithm '{parts[0]}'";
            return false;
        }

        if (!KeyId.TryParse(parts[0] + ":" + parts[1], out var keyId, out error) || !keyId.IsValidServerKeyVersion)
        {
            error ??= "the key version may only contain a-z, A-Z, 0-9 and '_'";
            return false;
        }

        if (!UnpaddedBase64.TryDecode(parts[2], out var seed) || seed.Length != Ed25519.SeedSize)
        {
            error = "the seed must be 32 bytes of base64";
            return false;
        }

        key = new SigningKey(keyId, seed);
        return true;
    }

    /// <summary>Reads every key in a key file (blank lines ignored), throwing <see cref="FormatException"/> on a bad line.</summary>
    public static IReadOnlyList<SigningKey> ParseKeyFile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new List<SigningKey>();
        foreach (var (line, number) in text.Split('\n').Select((l, i) => (l.Trim(), i + 1)))
        {
            if (line.Length == 0)
            {
                continue;
            }

            keys.Add(TryParseKeyFileLine(line, out var key, out var error)
                ? key
                : throw new FormatException($"Signing key file line {number}: {error}."));
        }

        return keys;
    }

    /// <summary>The key file text for these keys, one line each.</summary>
    public static string FormatKeyFile(IEnumerable<SigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var text = new StringBuilder();
        foreach (var key in keys)
        {
            text.Append(key.ToKeyFileLine()).Append('\n');
        }

        return text.ToString();
    }

    public override string ToString() => $"{KeyId} ({PublicKeyBase64})";
}
