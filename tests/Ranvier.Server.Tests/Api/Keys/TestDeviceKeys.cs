using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;

namespace Ranvier.Server.Tests.Api.Keys;

/// <summary>A device's Ed25519 identity key for tests: signs device keys and one-time keys as a real client would.</summary>
public sealed class TestDeviceKeys(string userId, string deviceId)
{
    private readonly SigningKey _key = SigningKey.FromSeed(KeyId.Create("ed25519", deviceId), Ed25519.GenerateSeed());

    public string UserId { get; } = userId;

    public string DeviceId { get; } = deviceId;

    public string Ed25519Key => _key.PublicKeyBase64;

    /// <summary>A 32-byte Curve25519-sized public key, random (the server never uses it as a key).</summary>
    public static string RandomCurveKey() => UnpaddedBase64.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Signed <c>device_keys</c>; <paramref name="tamper"/> changes the object after signing.</summary>
    public JsonObject DeviceKeys(Action<JsonObject>? tamper = null)
    {
        var keys = new JsonObject
        {
            ["user_id"] = UserId,
            ["device_id"] = DeviceId,
            ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
            ["keys"] = new JsonObject
            {
                [$"curve25519:{DeviceId}"] = RandomCurveKey(),
                [$"ed25519:{DeviceId}"] = Ed25519Key,
            },
        };
        Sign(keys);
        tamper?.Invoke(keys);
        return keys;
    }

    /// <summary><paramref name="count"/> signed_curve25519 one-time keys named from <paramref name="firstId"/> on.</summary>
    public JsonObject OneTimeKeys(int count, int firstId = 1, bool fallback = false)
    {
        var keys = new JsonObject();
        for (var i = firstId; i < firstId + count; i++)
        {
            var key = new JsonObject { ["key"] = RandomCurveKey() };
            if (fallback)
            {
                key["fallback"] = true;
            }

            Sign(key);
            keys[$"signed_curve25519:AAAA{i:D4}"] = key;
        }

        return keys;
    }

    /// <summary>Signs <paramref name="obj"/> in place with the device key.</summary>
    public void Sign(JsonObject obj) => JsonSigning.Sign(obj, UserId, _key);
}
