using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;

using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.CrossSigning;

/// <summary>An ed25519 key pair for tests, named as cross-signing keys are: <c>ed25519:&lt;public key&gt;</c>.</summary>
internal sealed class TestKey
{
    private TestKey(SigningKey key) => Key = key;

    public SigningKey Key { get; }

    public string PublicKey => Key.PublicKeyBase64;

    public string KeyId => Key.KeyId.Value;

    /// <summary>A fresh key named after its public key (cross-signing keys).</summary>
    public static TestKey CrossSigning()
    {
        var seed = Ed25519.GenerateSeed();
        var name = Ranvier.Protocol.Identifiers.KeyId.Create(Ranvier.Protocol.Identifiers.KeyId.Ed25519Algorithm, UnpaddedBase64.Encode(Ed25519.PublicKeyFromSeed(seed)));
        return new TestKey(SigningKey.FromSeed(name, seed));
    }

    /// <summary>A fresh key named after a device (device identity keys).</summary>
    public static TestKey Device(string deviceId) =>
        new(SigningKey.FromSeed(Ranvier.Protocol.Identifiers.KeyId.Create(Ranvier.Protocol.Identifiers.KeyId.Ed25519Algorithm, deviceId), Ed25519.GenerateSeed()));

    /// <summary>Signs <paramref name="obj"/> in place as <paramref name="userId"/> and returns it.</summary>
    public JsonObject Sign(JsonObject obj, string userId)
    {
        JsonSigning.Sign(obj, userId, Key);
        return obj;
    }
}

/// <summary>A user's master, self-signing and user-signing keys, and the requests that publish them.</summary>
internal sealed class TestCrossSigningKeys(string userId)
{
    public TestKey Master { get; } = TestKey.CrossSigning();

    public TestKey SelfSigning { get; } = TestKey.CrossSigning();

    public TestKey UserSigning { get; } = TestKey.CrossSigning();

    /// <summary>A CrossSigningKey object of the user for <paramref name="usage"/>, unsigned.</summary>
    public static JsonObject KeyObject(string userId, string usage, TestKey key) => new()
    {
        ["user_id"] = userId,
        ["usage"] = new JsonArray(usage),
        ["keys"] = new JsonObject { [key.KeyId] = key.PublicKey },
    };

    public JsonObject MasterJson() => KeyObject(userId, "master", Master);

    public JsonObject SelfSigningJson() => Master.Sign(KeyObject(userId, "self_signing", SelfSigning), userId);

    public JsonObject UserSigningJson() => Master.Sign(KeyObject(userId, "user_signing", UserSigning), userId);

    /// <summary>The body of POST /keys/device_signing/upload with all three keys.</summary>
    public JsonObject UploadBody() => new()
    {
        ["master_key"] = MasterJson(),
        ["self_signing_key"] = SelfSigningJson(),
        ["user_signing_key"] = UserSigningJson(),
    };
}

/// <summary>Requests of the cross-signing API tests.</summary>
internal static class CrossSigningClient
{
    public const string Password = "correct horse";

    public static Task<HttpResponseMessage> UploadKeysAsync(this TestHost host, string token, JsonObject body) =>
        host.Client.PostJsonAsync("/_matrix/client/v3/keys/device_signing/upload", body.ToJsonString(), token);

    public static Task<HttpResponseMessage> UploadSignaturesAsync(this TestHost host, string token, JsonObject body) =>
        host.Client.PostJsonAsync("/_matrix/client/v3/keys/signatures/upload", body.ToJsonString(), token);

    /// <summary>POST /keys/query for every device of <paramref name="userIds"/>; the answer as a node tree.</summary>
    public static async Task<JsonObject> QueryKeysAsync(this TestHost host, string token, params string[] userIds)
    {
        var deviceKeys = new JsonObject();
        foreach (var userId in userIds)
        {
            deviceKeys[userId] = new JsonArray();
        }

        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/keys/query", new JsonObject { ["device_keys"] = deviceKeys }.ToJsonString(), token))
            .ShouldBeOkJsonAsync();
        return JsonNode.Parse(body.GetRawText())!.AsObject();
    }

    /// <summary>Uploads signed device keys for the token's device through POST /keys/upload; returns them and the device's key.</summary>
    public static async Task<(JsonObject DeviceKeys, TestKey Key)> UploadDeviceKeysAsync(this TestHost host, string token, string userId, string deviceId)
    {
        var key = TestKey.Device(deviceId);
        var deviceKeys = new JsonObject
        {
            ["user_id"] = userId,
            ["device_id"] = deviceId,
            ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
            ["keys"] = new JsonObject { [$"curve25519:{deviceId}"] = "Y3VydmUyNTUxOWtleQ", [key.KeyId] = key.PublicKey },
        };
        key.Sign(deviceKeys, userId);
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/keys/upload", new JsonObject { ["device_keys"] = deviceKeys.DeepClone() }.ToJsonString(), token))
            .ShouldBeOkJsonAsync();
        return (deviceKeys, key);
    }

    /// <summary>A copy of <paramref name="obj"/> without its signatures, signed by <paramref name="key"/> as <paramref name="signerUserId"/>.</summary>
    public static JsonObject FreshlySigned(JsonObject obj, TestKey key, string signerUserId)
    {
        var copy = obj.DeepClone().AsObject();
        copy.Remove("signatures");
        copy.Remove("unsigned");
        return key.Sign(copy, signerUserId);
    }

    /// <summary>The signature of <paramref name="signed"/> by <paramref name="userId"/>'s key <paramref name="keyId"/>, or null.</summary>
    public static string? SignatureBy(JsonNode? signed, string userId, string keyId) =>
        signed?["signatures"]?[userId]?[keyId]?.GetValue<string>();

    public static string ErrorCode(JsonElement failures, string userId, string keyId) =>
        failures.GetProperty("failures").GetProperty(userId).GetProperty(keyId).GetProperty("errcode").GetString()!;

}
