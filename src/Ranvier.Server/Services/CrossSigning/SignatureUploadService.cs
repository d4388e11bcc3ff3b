using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.DeviceKeys;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.CrossSigning;

/// <summary>
/// POST /keys/signatures/upload (spec: client-server API "Cross-signing", cross_signing.yaml). Three kinds of signature
/// are taken: the requester's self-signing key on their own device keys, the requester's devices on their own master
/// key, and the requester's user-signing key on another local user's master key. The signed object must be the stored
/// one apart from <c>signatures</c> and <c>unsigned</c>. Each key succeeds or fails on its own: failures are answered
/// per user and key ID, the good signatures are stored in one write.
/// </summary>
public sealed class SignatureUploadService(
    RanvierOptions options, ICrossSigningStore crossSigning, IDeviceKeyStore deviceKeys, StreamNotifier notifier)
{
    private readonly ServerName _serverName = ServerName.Parse(options.ServerName);

    /// <summary>Checks and stores the signatures of <paramref name="body"/> (user ID → key ID → signed object); returns <c>failures</c>.</summary>
    public async Task<JsonObject> UploadAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        foreach (var (user, byKey) in body)
        {
            if (!UserId.TryParse(user, out _, out var error))
            {
                throw MatrixError.InvalidParam($"'{user}' is not a user ID: {error}");
            }

            if (byKey is not JsonObject)
            {
                throw MatrixError.BadJson($"The value for {user} must be an object of key IDs");
            }
        }

        var own = await KeysOfAsync(context.UserId, cancellationToken);
        var accepted = new List<CrossSigningSignatureRecord>();
        var failures = new JsonObject();
        foreach (var (user, byKey) in body)
        {
            foreach (var (keyId, signed) in (JsonObject)byKey!)
            {
                try
                {
                    if (signed is not JsonObject signedObject)
                    {
                        throw MatrixError.BadJson("The signed key must be an object");
                    }

                    accepted.AddRange(user == context.UserId
                        ? await CheckOwnAsync(context.UserId, own, keyId, signedObject, cancellationToken)
                        : await CheckOtherUserAsync(context.UserId, own, user, keyId, signedObject, cancellationToken));
                }
                catch (MatrixError failure)
                {
                    var userFailures = failures[user] as JsonObject ?? (JsonObject)(failures[user] = new JsonObject());
                    userFailures[keyId] = new JsonObject { ["errcode"] = failure.ErrorCode, ["error"] = failure.Message };
                }
            }
        }

        if (await crossSigning.AddSignaturesAsync(accepted, cancellationToken) is { } position)
        {
            notifier.Advance(position);
        }

        return new JsonObject { ["failures"] = failures };
    }

    // The requester's own device keys (signed by their self-signing key) or own master key (signed by their devices).
    private async Task<IEnumerable<CrossSigningSignatureRecord>> CheckOwnAsync(
        string userId, IReadOnlyDictionary<CrossSigningUsage, CrossSigningKey> own, string keyId, JsonObject signed, CancellationToken cancellationToken)
    {
        if (own.TryGetValue(CrossSigningUsage.Master, out var master) && master.PublicKeyBase64 == keyId)
        {
            RequireSameObject(signed, master.Json);
            return await DeviceSignaturesOnMasterAsync(userId, master, signed, cancellationToken);
        }

        var deviceJson = await deviceKeys.GetDeviceKeysJsonAsync(userId, keyId, cancellationToken)
            ?? throw MatrixError.NotFound($"{userId} has no device or cross-signing key '{keyId}'");
        RequireSameObject(signed, (JsonObject)JsonNode.Parse(deviceJson)!);
        if (!own.TryGetValue(CrossSigningUsage.SelfSigning, out var selfSigning))
        {
            throw MatrixError.NotFound("The user has no self-signing key to sign devices with");
        }

        var signature = RequireSignature(signed, userId, selfSigning, "self-signing");
        return [new(userId, SignatureTargetKind.Device, keyId, userId, selfSigning.KeyId.Value, signature)];
    }

    // Every signature on the master key that it did not already carry must be by one of the user's devices, and verify.
    private async Task<List<CrossSigningSignatureRecord>> DeviceSignaturesOnMasterAsync(
        string userId, CrossSigningKey master, JsonObject signed, CancellationToken cancellationToken)
    {
        var signerKeyNames = JsonSigning.SignatureKeyIds(signed, userId);
        if (signerKeyNames.Count == 0)
        {
            throw InvalidSignature("The master key carries no signature by one of the user's devices");
        }

        var result = new List<CrossSigningSignatureRecord>();
        foreach (var signerKeyName in signerKeyNames)
        {
            if (JsonSigning.SignatureKeyIds(master.Json, userId).Contains(signerKeyName))
            {
                continue;
            }

            if (!KeyId.TryParse(signerKeyName, out var signerKeyId) || signerKeyId.Algorithm != KeyId.Ed25519Algorithm
                || await DeviceSigningKeyAsync(userId, signerKeyId.Version, cancellationToken) is not { } devicePublicKey)
            {
                throw MatrixError.NotFound($"'{signerKeyName}' is not the ed25519 key of one of the user's devices");
            }

            if (!CrossSigningKeys.IsSignedBy(signed, userId, signerKeyId, devicePublicKey))
            {
                throw InvalidSignature($"The signature by device {signerKeyId.Version} does not verify");
            }

            result.Add(new(userId, SignatureTargetKind.CrossSigningKey, master.PublicKeyBase64, userId, signerKeyName, SignatureOf(signed, userId, signerKeyName)));
        }

        // Signatures the master key already carried when it was uploaded are accepted as they are (a client may send both).
        return result;
    }

    // Another local user's master key, signed by the requester's user-signing key.
    private async Task<IEnumerable<CrossSigningSignatureRecord>> CheckOtherUserAsync(
        string signerUserId, IReadOnlyDictionary<CrossSigningUsage, CrossSigningKey> own, string targetUserId, string keyId, JsonObject signed,
        CancellationToken cancellationToken)
    {
        if (UserId.Parse(targetUserId).Server != _serverName)
        {
            throw MatrixError.NotFound("Keys of users on other servers cannot be signed until this server federates");
        }

        var theirs = await KeysOfAsync(targetUserId, cancellationToken);
        if (!theirs.TryGetValue(CrossSigningUsage.Master, out var master) || master.PublicKeyBase64 != keyId)
        {
            throw MatrixError.NotFound($"'{keyId}' is not the master key of {targetUserId}");
        }

        RequireSameObject(signed, master.Json);
        if (!own.TryGetValue(CrossSigningUsage.UserSigning, out var userSigning))
        {
            throw MatrixError.NotFound("The user has no user-signing key to sign other users with");
        }

        var signature = RequireSignature(signed, signerUserId, userSigning, "user-signing");
        return [new(targetUserId, SignatureTargetKind.CrossSigningKey, keyId, signerUserId, userSigning.KeyId.Value, signature)];
    }

    private async Task<Dictionary<CrossSigningUsage, CrossSigningKey>> KeysOfAsync(string userId, CancellationToken cancellationToken) =>
        (await crossSigning.GetKeysAsync([userId], cancellationToken)).Select(CrossSigningKeys.FromRecord).ToDictionary(k => k.Usage);

    private async Task<byte[]?> DeviceSigningKeyAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        var json = await deviceKeys.GetDeviceKeysJsonAsync(userId, deviceId, cancellationToken);
        return json is not null
            && JsonNodeValues.GetString(JsonNode.Parse(json)?["keys"]?[DeviceKeyValidation.SigningKeyName(deviceId)]) is { } encoded
            && UnpaddedBase64.TryDecode(encoded, out var key) ? key : null;
    }

    // "The signed JSON object must match the key previously uploaded … with the exception of the signatures property."
    private static void RequireSameObject(JsonObject signed, JsonObject stored)
    {
        byte[] uploaded;
        try
        {
            uploaded = JsonSigning.SignedBytes(signed);
        }
        catch (CanonicalJsonException e)
        {
            throw MatrixError.BadJson($"The signed key is not canonical JSON: {e.Message}");
        }

        if (!uploaded.AsSpan().SequenceEqual(JsonSigning.SignedBytes(stored)))
        {
            throw InvalidSignature("The signed object does not match the stored key");
        }
    }

    private static string RequireSignature(JsonObject signed, string signerUserId, CrossSigningKey signer, string what)
    {
        var check = JsonSigning.Verify(signed, signerUserId, signer.KeyId, signer.PublicKey);
        return check == SignatureCheck.Valid
            ? SignatureOf(signed, signerUserId, signer.KeyId.Value)
            : throw InvalidSignature($"The key is not signed by the user's {what} key ({check})");
    }

    private static string SignatureOf(JsonObject signed, string userId, string keyId) =>
        JsonNodeValues.GetString(signed[JsonSigning.SignaturesKey]?[userId]?[keyId])!;

    private static MatrixError InvalidSignature(string message) => new(StatusCodes.Status400BadRequest, "M_INVALID_SIGNATURE", message);
}
