using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Server.Services.DeviceKeys;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.CrossSigning;

/// <summary>
/// The cross-signing part of POST /keys/query (spec: keys.yaml, "queryKeys" response): <c>master_keys</c> and
/// <c>self_signing_keys</c> of the queried users, <c>user_signing_keys</c> of the requester alone, and the signatures
/// uploaded through /keys/signatures/upload merged into the device keys and master keys they sign. A signature by one
/// user's user-signing key on another's master key is shown to its signer only ("Users will only be able to see
/// signatures made by their own user-signing keys").
/// </summary>
public sealed class CrossSigningQueryExtension(ICrossSigningStore store) : IKeyQueryExtension
{
    /// <inheritdoc/>
    public async Task ExtendAsync(string requesterUserId, IReadOnlyList<string> userIds, JsonObject response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentNullException.ThrowIfNull(response);
        var masterKeys = new JsonObject();
        var selfSigningKeys = new JsonObject();
        var userSigningKeys = new JsonObject();
        response["master_keys"] = masterKeys;
        response["self_signing_keys"] = selfSigningKeys;
        response["user_signing_keys"] = userSigningKeys;
        if (userIds.Count == 0)
        {
            return;
        }

        var signatures = (await store.GetSignaturesAsync(userIds, cancellationToken))
            .Where(s => s.SignerUserId == s.TargetUserId || s.SignerUserId == requesterUserId)
            .ToLookup(s => (s.TargetUserId, s.TargetKind, s.TargetKeyId));
        foreach (var key in await store.GetKeysAsync(userIds, cancellationToken))
        {
            var target = key.Usage switch
            {
                CrossSigningUsage.Master => masterKeys,
                CrossSigningUsage.SelfSigning => selfSigningKeys,
                _ when key.UserId == requesterUserId => userSigningKeys,
                _ => null,
            };
            if (target is not null)
            {
                var json = (JsonObject)JsonNode.Parse(key.KeyJson)!;
                AddSignatures(json, signatures[(key.UserId, SignatureTargetKind.CrossSigningKey, key.PublicKey)]);
                target[key.UserId] = json;
            }
        }

        if (response["device_keys"] is JsonObject deviceKeys)
        {
            foreach (var (userId, devicesNode) in deviceKeys)
            {
                foreach (var (deviceId, keysNode) in devicesNode as JsonObject ?? [])
                {
                    if (keysNode is JsonObject keys)
                    {
                        AddSignatures(keys, signatures[(userId, SignatureTargetKind.Device, deviceId)]);
                    }
                }
            }
        }
    }

    private static void AddSignatures(JsonObject signed, IEnumerable<CrossSigningSignatureRecord> signatures)
    {
        foreach (var signature in signatures)
        {
            JsonSigning.AddSignature(signed, signature.SignerUserId, Ranvier.Protocol.Identifiers.KeyId.Parse(signature.SignerKeyId), signature.Signature);
        }
    }
}
