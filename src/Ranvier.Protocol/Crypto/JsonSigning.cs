using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Crypto;

/// <summary>The outcome of checking one signature on a JSON object (spec: appendices, "Checking for a Signature").</summary>
public enum SignatureCheck
{
    Valid,

    /// <summary>No <c>signatures[entity][keyId]</c> string is present.</summary>
    Missing,

    /// <summary>The key's algorithm is not ed25519.</summary>
    UnsupportedAlgorithm,

    /// <summary>The signature is not unpadded base64 of 64 bytes.</summary>
    Malformed,

    /// <summary>The signature does not match the object under the given public key.</summary>
    Invalid,

    /// <summary>The object cannot be written as canonical JSON (a float, an out-of-range integer …).</summary>
    NotCanonical,
}

/// <summary>
/// Signing and verifying JSON objects (spec: appendices, "Signing JSON", "Signing Details"): the signed
/// bytes are the canonical JSON of the object without <c>signatures</c> and <c>unsigned</c>.
/// </summary>
public static class JsonSigning
{
    public const string SignaturesKey = "signatures";
    public const string UnsignedKey = "unsigned";

    private static readonly string[] Unsigned = [SignaturesKey, UnsignedKey];

    /// <summary>The bytes a signature covers.</summary>
    public static byte[] SignedBytes(JsonObject obj, bool enforceIntegerRange = true) =>
        CanonicalJson.SerializeWithout(obj, Unsigned, enforceIntegerRange);

    /// <summary>
    /// Signs <paramref name="obj"/> in place: adds <c>signatures[entity][keyId]</c> beside any signatures it
    /// already has, and returns the base64 signature.
    /// </summary>
    public static string Sign(JsonObject obj, string entity, SigningKey key, bool enforceIntegerRange = true)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentException.ThrowIfNullOrEmpty(entity);
        ArgumentNullException.ThrowIfNull(key);

        var signature = UnpaddedBase64.Encode(key.Sign(SignedBytes(obj, enforceIntegerRange)));
        AddSignature(obj, entity, key.KeyId, signature);
        return signature;
    }

    /// <summary>Adds (or replaces) one signature under <c>signatures[entity][keyId]</c>.</summary>
    public static void AddSignature(JsonObject obj, string entity, KeyId keyId, string signature)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj[SignaturesKey] is not JsonObject signatures)
        {
            signatures = [];
            obj[SignaturesKey] = signatures;
        }

        if (signatures[entity] is not JsonObject byEntity)
        {
            byEntity = [];
            signatures[entity] = byEntity;
        }

        byEntity[keyId.Value] = signature;
    }

    /// <summary>The key IDs under which <paramref name="entity"/> signed <paramref name="obj"/> (empty when none).</summary>
    public static IReadOnlyList<string> SignatureKeyIds(JsonObject obj, string entity) =>
        obj[SignaturesKey] is JsonObject signatures && signatures[entity] is JsonObject byEntity
            ? [.. byEntity.Select(m => m.Key)]
            : [];

    /// <summary>Checks the signature of <paramref name="entity"/> under <paramref name="keyId"/> against <paramref name="publicKey"/>.</summary>
    public static SignatureCheck Verify(JsonObject obj, string entity, KeyId keyId, ReadOnlySpan<byte> publicKey, bool enforceIntegerRange = true)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (keyId.Algorithm != KeyId.Ed25519Algorithm)
        {
            return SignatureCheck.UnsupportedAlgorithm;
        }

        if (obj[SignaturesKey] is not JsonObject signatures
            || signatures[entity] is not JsonObject byEntity
            || byEntity[keyId.Value] is not JsonValue value
            || !value.TryGetValue(out string? encoded))
        {
            return SignatureCheck.Missing;
        }

        if (!UnpaddedBase64.TryDecode(encoded, out var signature) || signature.Length != Ed25519.SignatureSize)
        {
            return SignatureCheck.Malformed;
        }

        byte[] message;
        try
        {
            message = SignedBytes(obj, enforceIntegerRange);
        }
        catch (CanonicalJsonException)
        {
            return SignatureCheck.NotCanonical;
        }

        return Ed25519.Verify(publicKey, message, signature) ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }
}
