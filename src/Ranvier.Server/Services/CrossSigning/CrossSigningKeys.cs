using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Server.Http;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.CrossSigning;

/// <summary>
/// A CrossSigningKey object (spec: definitions/cross_signing_key.yaml) that passed <see cref="CrossSigningKeys.Read"/>:
/// the object, its one ed25519 public key (base64 and bytes) and the key ID others sign with (<c>ed25519:&lt;key&gt;</c>).
/// </summary>
public sealed record CrossSigningKey(JsonObject Json, CrossSigningUsage Usage, string PublicKeyBase64, byte[] PublicKey)
{
    /// <summary>The key ID under which this key's signatures appear.</summary>
    public KeyId KeyId => KeyId.Create(KeyId.Ed25519Algorithm, PublicKeyBase64);

    /// <summary>The canonical JSON that is stored and compared.</summary>
    public string CanonicalJson => CrossSigningKeys.Canonical(Json);

    /// <summary>The storage form.</summary>
    public CrossSigningKeyRecord ToRecord(string userId) => new(userId, Usage, PublicKeyBase64, CanonicalJson);
}

/// <summary>Reading and checking cross-signing keys (spec: client-server API "Cross-signing").</summary>
public static class CrossSigningKeys
{
    /// <summary>The <c>usage</c> value of each usage.</summary>
    public static string UsageName(CrossSigningUsage usage) => usage switch
    {
        CrossSigningUsage.Master => "master",
        CrossSigningUsage.SelfSigning => "self_signing",
        CrossSigningUsage.UserSigning => "user_signing",
        _ => throw new ArgumentOutOfRangeException(nameof(usage)),
    };

    /// <summary>
    /// Checks that <paramref name="node"/> is a CrossSigningKey of <paramref name="userId"/> for <paramref name="usage"/>:
    /// <c>user_id</c> is the user, <c>usage</c> lists the usage, <c>keys</c> holds exactly one ed25519 key named after
    /// itself. A wrong shape is 400 M_BAD_JSON; another user, another usage or a malformed key is 400 M_INVALID_PARAM.
    /// </summary>
    public static CrossSigningKey Read(JsonNode? node, string what, string userId, CrossSigningUsage usage)
    {
        if (node is not JsonObject json)
        {
            throw MatrixError.BadJson($"{what} must be an object");
        }

        if (JsonNodeValues.GetString(json["user_id"]) is not { } keyUser)
        {
            throw MatrixError.BadJson($"{what}.user_id must be a string");
        }

        if (keyUser != userId)
        {
            throw MatrixError.InvalidParam($"{what} must be a key of {userId}");
        }

        if (json["usage"] is not JsonArray usages || usages.Any(u => JsonNodeValues.GetString(u) is null))
        {
            throw MatrixError.BadJson($"{what}.usage must be an array of strings");
        }

        var usageName = UsageName(usage);
        if (!usages.Any(u => JsonNodeValues.GetString(u) == usageName))
        {
            throw MatrixError.InvalidParam($"{what}.usage must contain '{usageName}'");
        }

        if (json["keys"] is not JsonObject keys || keys.Any(k => JsonNodeValues.GetString(k.Value) is null))
        {
            throw MatrixError.BadJson($"{what}.keys must be an object of strings");
        }

        if (keys.Count != 1)
        {
            throw MatrixError.InvalidParam($"{what}.keys must hold exactly one key");
        }

        var (name, value) = keys.First();
        var publicKeyBase64 = JsonNodeValues.GetString(value)!;
        if (name != $"{KeyId.Ed25519Algorithm}:{publicKeyBase64}"
            || !UnpaddedBase64.TryDecode(publicKeyBase64, out var publicKey) || publicKey.Length != Ed25519.PublicKeySize)
        {
            throw MatrixError.InvalidParam($"{what}.keys must be one ed25519 key named 'ed25519:<unpadded base64 public key>'");
        }

        if (json["signatures"] is { } signatures && signatures is not JsonObject)
        {
            throw MatrixError.BadJson($"{what}.signatures must be an object");
        }

        _ = Canonical(json, what);
        return new CrossSigningKey(json, usage, publicKeyBase64, publicKey);
    }

    /// <summary>Reads a key already stored (it passed <see cref="Read"/> when it was uploaded).</summary>
    public static CrossSigningKey FromRecord(CrossSigningKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Read(JsonNode.Parse(record.KeyJson), "stored key", record.UserId, record.Usage);
    }

    /// <summary>True when the key <paramref name="signerKeyId"/> signed <paramref name="signed"/> on behalf of <paramref name="userId"/>.</summary>
    public static bool IsSignedBy(JsonObject signed, string userId, KeyId signerKeyId, ReadOnlySpan<byte> signerPublicKey) =>
        JsonSigning.Verify(signed, userId, signerKeyId, signerPublicKey) == SignatureCheck.Valid;

    /// <summary>The canonical JSON of <paramref name="value"/>; 400 M_BAD_JSON when it has none (floats, huge integers).</summary>
    public static string Canonical(JsonNode? value, string what = "the key")
    {
        try
        {
            return Ranvier.Protocol.Json.CanonicalJson.SerializeToString(value);
        }
        catch (CanonicalJsonException e)
        {
            throw MatrixError.BadJson($"{what} is not canonical JSON: {e.Message}");
        }
    }
}
