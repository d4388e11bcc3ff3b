using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Server.Http;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.DeviceKeys;

/// <summary>
/// The shape and signature checks of POST /keys/upload (spec: client-server API "Uploading keys", "Key algorithms",
/// definitions/device_keys.yaml, one_time_keys.yaml). Shapes that are not what the spec defines are 400 M_BAD_JSON;
/// keys of another user or device, malformed key names and bad signatures are 400 M_INVALID_PARAM.
/// </summary>
public static class DeviceKeyValidation
{
    /// <summary>The device's Ed25519 identity key name: <c>ed25519:&lt;device_id&gt;</c>.</summary>
    public static string SigningKeyName(string deviceId) => $"{KeyId.Ed25519Algorithm}:{deviceId}";

    /// <summary>
    /// Checks a <c>device_keys</c> object of <paramref name="userId"/>'s device <paramref name="deviceId"/> and returns the
    /// public Ed25519 key it carries (which also signed it).
    /// </summary>
    public static byte[] CheckDeviceKeys(JsonObject deviceKeys, string userId, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceKeys);
        if (JsonNodeValues.GetString(deviceKeys["user_id"]) is not { } keyUser)
        {
            throw MatrixError.BadJson("device_keys.user_id must be a string");
        }

        if (JsonNodeValues.GetString(deviceKeys["device_id"]) is not { } keyDevice)
        {
            throw MatrixError.BadJson("device_keys.device_id must be a string");
        }

        if (keyUser != userId || keyDevice != deviceId)
        {
            throw MatrixError.InvalidParam("device_keys must be the keys of the requesting user and device");
        }

        if (deviceKeys["algorithms"] is not JsonArray algorithms || algorithms.Any(a => JsonNodeValues.GetString(a) is null))
        {
            throw MatrixError.BadJson("device_keys.algorithms must be an array of strings");
        }

        if (deviceKeys["keys"] is not JsonObject keys || keys.Any(k => JsonNodeValues.GetString(k.Value) is null))
        {
            throw MatrixError.BadJson("device_keys.keys must be an object of strings");
        }

        foreach (var (name, _) in keys)
        {
            if (!KeyId.TryParse(name, out _))
            {
                throw MatrixError.InvalidParam($"device_keys.keys: '{name}' is not <algorithm>:<device_id>");
            }
        }

        if (deviceKeys["signatures"] is not JsonObject)
        {
            throw MatrixError.BadJson("device_keys.signatures must be an object");
        }

        var signingKeyName = SigningKeyName(deviceId);
        if (JsonNodeValues.GetString(keys[signingKeyName]) is not { } encoded
            || !UnpaddedBase64.TryDecode(encoded, out var publicKey) || publicKey.Length != Ed25519.PublicKeySize)
        {
            throw MatrixError.InvalidParam($"device_keys.keys must hold the device's Ed25519 key '{signingKeyName}'");
        }

        CheckSignature(deviceKeys, userId, deviceId, publicKey, "device_keys");
        return publicKey;
    }

    /// <summary>
    /// Reads a <c>one_time_keys</c> or <c>fallback_keys</c> object: names <c>&lt;algorithm&gt;:&lt;key_id&gt;</c>, values a
    /// key string or a key object with a string <c>key</c>. A key object that carries signatures must be signed by the
    /// device's Ed25519 key when that key is known (<paramref name="devicePublicKey"/>).
    /// </summary>
    public static List<UploadedKey> ReadKeys(JsonNode? node, string what, string userId, string deviceId, byte[]? devicePublicKey)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonObject keys)
        {
            throw MatrixError.BadJson($"{what} must be an object");
        }

        var result = new List<UploadedKey>(keys.Count);
        foreach (var (name, value) in keys)
        {
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == name.Length - 1)
            {
                throw MatrixError.InvalidParam($"{what}: '{name}' is not <algorithm>:<key_id>");
            }

            switch (value)
            {
                case JsonValue v when JsonNodeValues.GetString(v) is not null:
                    break;
                case JsonObject keyObject when JsonNodeValues.GetString(keyObject["key"]) is not null:
                    if (keyObject["signatures"] is not null && devicePublicKey is not null)
                    {
                        CheckSignature(keyObject, userId, deviceId, devicePublicKey, $"{what}['{name}']");
                    }

                    break;
                default:
                    throw MatrixError.BadJson($"{what}['{name}'] must be a key string or an object with a string 'key'");
            }

            result.Add(new UploadedKey(name[..colon], name[(colon + 1)..], Canonical(value, $"{what}['{name}']")));
        }

        return result;
    }

    /// <summary>The canonical JSON of an uploaded value; 400 M_BAD_JSON when it has none (floats, huge integers).</summary>
    public static string Canonical(JsonNode? value, string what)
    {
        try
        {
            return CanonicalJson.SerializeToString(value);
        }
        catch (CanonicalJsonException e)
        {
            throw MatrixError.BadJson($"{what} is not canonical JSON: {e.Message}");
        }
    }

    private static void CheckSignature(JsonObject signed, string userId, string deviceId, byte[] publicKey, string what)
    {
        var check = JsonSigning.Verify(signed, userId, KeyId.Parse(SigningKeyName(deviceId)), publicKey);
        if (check != SignatureCheck.Valid)
        {
            throw MatrixError.InvalidParam($"{what} is not signed by the device's Ed25519 key ({check})");
        }
    }
}
