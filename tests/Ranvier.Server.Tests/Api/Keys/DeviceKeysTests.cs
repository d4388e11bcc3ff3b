using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Api.Sync;
using Ranvier.Server.Tests.Api.ToDevice;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Keys;

/// <summary>POST /keys/upload, /keys/query and /keys/claim, and the key counts in /sync (spec: "Key Distribution").</summary>
public sealed class DeviceKeysTests : RoomTestBase
{
    private const string AliceId = "@alice:example.org";
    private const string BobId = "@bob:example.org";
    private const string AliceDevice = "DEVICEALICE";

    private readonly TestDeviceKeys _aliceKeys = new(AliceId, AliceDevice);

    private Task<HttpResponseMessage> UploadRawAsync(string token, JsonObject body) =>
        Client.PostJsonAsync($"{RoomClient.V3}/keys/upload", body.ToJsonString(), token);

    private async Task<JsonElement> UploadAsync(string token, JsonObject body) => await (await UploadRawAsync(token, body)).ShouldBeOkJsonAsync();

    private async Task<JsonElement> QueryAsync(string token, string body) =>
        await (await Client.PostJsonAsync($"{RoomClient.V3}/keys/query", body, token)).ShouldBeOkJsonAsync();

    private async Task<JsonElement> ClaimAsync(string token, string userId, string deviceId, string algorithm = "signed_curve25519") =>
        await (await Client.PostJsonAsync(
            $"{RoomClient.V3}/keys/claim",
            JsonSerializer.Serialize(new { one_time_keys = new Dictionary<string, object> { [userId] = new Dictionary<string, string> { [deviceId] = algorithm } } }),
            token)).ShouldBeOkJsonAsync();

    private static long SignedCount(JsonElement counts) => counts.GetProperty("signed_curve25519").GetInt64();

    [Fact]
    public async Task Uploaded_device_keys_are_returned_by_query_with_the_display_name()
    {
        var deviceKeys = _aliceKeys.DeviceKeys();
        var upload = await UploadAsync(alice, new JsonObject { ["device_keys"] = deviceKeys });
        SignedCount(upload.GetProperty("one_time_key_counts")).ShouldBe(0);
        await (await Client.PutJsonAsync($"{RoomClient.V3}/devices/{AliceDevice}", """{"display_name":"Alice's phone"}""", alice)).ShouldBeOkJsonAsync();

        var query = await QueryAsync(bob, $$$"""{"device_keys":{"{{{AliceId}}}":[]}}""");
        var keys = query.GetProperty("device_keys").GetProperty(AliceId).GetProperty(AliceDevice);
        keys.GetProperty("keys").GetProperty($"ed25519:{AliceDevice}").GetString().ShouldBe(_aliceKeys.Ed25519Key);
        keys.GetProperty("signatures").GetProperty(AliceId).TryGetProperty($"ed25519:{AliceDevice}", out _).ShouldBeTrue();
        keys.GetProperty("unsigned").GetProperty("device_display_name").GetString().ShouldBe("Alice's phone");
        query.GetProperty("failures").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Query_names_devices_or_all_and_leaves_out_what_has_no_keys()
    {
        await UploadAsync(alice, new JsonObject { ["device_keys"] = _aliceKeys.DeviceKeys() });

        var named = await QueryAsync(bob, $$$"""{"device_keys":{"{{{AliceId}}}":["{{{AliceDevice}}}","NOSUCHDEVICE"],"{{{BobId}}}":[],"@nobody:example.org":[]}}""");
        named.GetProperty("device_keys").GetProperty(AliceId).EnumerateObject().Select(p => p.Name).ShouldBe([AliceDevice]);
        named.GetProperty("device_keys").GetProperty(BobId).EnumerateObject().ShouldBeEmpty();

        var other = await QueryAsync(bob, $$$"""{"device_keys":{"{{{AliceId}}}":["NOSUCHDEVICE"]}}""");
        other.GetProperty("device_keys").GetProperty(AliceId).EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Users_of_other_servers_are_reported_in_failures()
    {
        var query = await QueryAsync(bob, """{"device_keys":{"@someone:elsewhere.example":[]}}""");
        query.GetProperty("failures").TryGetProperty("elsewhere.example", out _).ShouldBeTrue();
        query.GetProperty("device_keys").TryGetProperty("@someone:elsewhere.example", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task One_time_keys_are_counted_claimed_once_in_upload_order_then_the_fallback_key_is_served()
    {
        await UploadAsync(alice, new JsonObject { ["device_keys"] = _aliceKeys.DeviceKeys(), ["one_time_keys"] = _aliceKeys.OneTimeKeys(2) });
        var second = await UploadAsync(alice, new JsonObject
        {
            ["one_time_keys"] = _aliceKeys.OneTimeKeys(1, firstId: 3),
            ["fallback_keys"] = _aliceKeys.OneTimeKeys(1, firstId: 9, fallback: true),
        });
        SignedCount(second.GetProperty("one_time_key_counts")).ShouldBe(3);

        var claimedIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var claim = await ClaimAsync(bob, AliceId, AliceDevice);
            claimedIds.Add(claim.GetProperty("one_time_keys").GetProperty(AliceId).GetProperty(AliceDevice).EnumerateObject().Single().Name);
        }

        claimedIds.Take(2).Order().ShouldBe(["signed_curve25519:AAAA0001", "signed_curve25519:AAAA0002"]);
        claimedIds[2].ShouldBe("signed_curve25519:AAAA0003");

        for (var i = 0; i < 2; i++)
        {
            var fallback = await ClaimAsync(bob, AliceId, AliceDevice);
            var key = fallback.GetProperty("one_time_keys").GetProperty(AliceId).GetProperty(AliceDevice).GetProperty("signed_curve25519:AAAA0009");
            key.GetProperty("fallback").GetBoolean().ShouldBeTrue();
        }
    }

    [Fact]
    public async Task Sync_carries_the_counts_and_unused_fallback_types_of_the_syncing_device()
    {
        var empty = await Client.SyncAsync(alice);
        SignedCount(empty.GetProperty("device_one_time_keys_count")).ShouldBe(0);
        empty.GetProperty("device_unused_fallback_key_types").EnumerateArray().ShouldBeEmpty();

        await UploadAsync(alice, new JsonObject
        {
            ["device_keys"] = _aliceKeys.DeviceKeys(),
            ["one_time_keys"] = _aliceKeys.OneTimeKeys(5),
            ["org.matrix.msc2732.fallback_keys"] = _aliceKeys.OneTimeKeys(1, firstId: 50, fallback: true),
        });
        var sync = await Client.SyncAsync(alice);
        SignedCount(sync.GetProperty("device_one_time_keys_count")).ShouldBe(5);
        sync.GetProperty("device_unused_fallback_key_types").EnumerateArray().Select(t => t.GetString()).ShouldBe(["signed_curve25519"]);

        for (var i = 0; i < 6; i++)
        {
            await ClaimAsync(bob, AliceId, AliceDevice);
        }

        var after = await Client.SyncAsync(alice, since: sync.NextBatch(), timeout: 0);
        SignedCount(after.GetProperty("device_one_time_keys_count")).ShouldBe(0);
        after.GetProperty("device_unused_fallback_key_types").EnumerateArray().ShouldBeEmpty();

        // A new fallback key is unused again.
        await UploadAsync(alice, new JsonObject { ["fallback_keys"] = _aliceKeys.OneTimeKeys(1, firstId: 51, fallback: true) });
        var replaced = await Client.SyncAsync(alice);
        replaced.GetProperty("device_unused_fallback_key_types").EnumerateArray().Select(t => t.GetString()).ShouldBe(["signed_curve25519"]);
    }

    [Fact]
    public async Task A_long_poll_that_times_out_still_carries_the_counts()
    {
        await UploadAsync(alice, new JsonObject { ["device_keys"] = _aliceKeys.DeviceKeys(), ["one_time_keys"] = _aliceKeys.OneTimeKeys(4) });
        var sync = await Client.SyncAsync(alice);

        // From the current position the server starts waiting without computing anything; its empty answer must still
        // say how many keys the device has, or the client would take the count for zero and upload more.
        var timedOut = await Client.SyncAsync(alice, since: sync.NextBatch(), timeout: 50);

        timedOut.NextBatch().ShouldBe(sync.NextBatch());
        SignedCount(timedOut.GetProperty("device_one_time_keys_count")).ShouldBe(4);
        timedOut.GetProperty("device_unused_fallback_key_types").EnumerateArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Claiming_from_unknown_users_devices_or_algorithms_returns_nothing_for_them()
    {
        await UploadAsync(alice, new JsonObject { ["device_keys"] = _aliceKeys.DeviceKeys(), ["one_time_keys"] = _aliceKeys.OneTimeKeys(1) });

        (await ClaimAsync(bob, AliceId, "NOSUCHDEVICE")).GetProperty("one_time_keys").EnumerateObject().ShouldBeEmpty();
        (await ClaimAsync(bob, "@nobody:example.org", "X")).GetProperty("one_time_keys").EnumerateObject().ShouldBeEmpty();
        (await ClaimAsync(bob, AliceId, AliceDevice, "curve25519")).GetProperty("one_time_keys").EnumerateObject().ShouldBeEmpty();
        (await ClaimAsync(bob, "@x:elsewhere.example", "X")).GetProperty("failures").TryGetProperty("elsewhere.example", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Re_uploading_the_same_one_time_key_is_a_no_op_but_different_content_is_refused_whole()
    {
        var keys = _aliceKeys.OneTimeKeys(2);
        await UploadAsync(alice, new JsonObject { ["device_keys"] = _aliceKeys.DeviceKeys(), ["one_time_keys"] = keys });
        SignedCount((await UploadAsync(alice, new JsonObject { ["one_time_keys"] = keys.DeepClone() })).GetProperty("one_time_key_counts")).ShouldBe(2);

        var clash = _aliceKeys.OneTimeKeys(1, firstId: 3);
        foreach (var (name, value) in _aliceKeys.OneTimeKeys(1, firstId: 1))
        {
            clash[name] = value!.DeepClone();
        }

        await (await UploadRawAsync(alice, new JsonObject { ["one_time_keys"] = clash })).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        SignedCount((await UploadAsync(alice, [])).GetProperty("one_time_key_counts")).ShouldBe(2);
    }

    public static TheoryData<string, string> BadUploads => new()
    {
        { """{"device_keys":"nope"}""", "M_BAD_JSON" },
        { """{"one_time_keys":[]}""", "M_BAD_JSON" },
        { """{"one_time_keys":{"nocolon":"abc"}}""", "M_INVALID_PARAM" },
        { """{"one_time_keys":{"signed_curve25519:A":{"nokey":1}}}""", "M_BAD_JSON" },
        { """{"one_time_keys":{"signed_curve25519:A":12}}""", "M_BAD_JSON" },
        { """{"fallback_keys":{"signed_curve25519:A":"k1","signed_curve25519:B":"k2"}}""", "M_INVALID_PARAM" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Malformed_uploads_are_refused(string body, string errcode) =>
        await (await Client.PostJsonAsync($"{RoomClient.V3}/keys/upload", body, alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

    [Fact]
    public async Task Device_keys_of_another_device_or_user_or_badly_signed_are_refused_and_nothing_is_stored()
    {
        var otherDevice = new TestDeviceKeys(AliceId, "OTHERDEVICE").DeviceKeys();
        var otherUser = new TestDeviceKeys(BobId, AliceDevice).DeviceKeys();
        var tampered = _aliceKeys.DeviceKeys(keys => keys["algorithms"]!.AsArray().Add("m.evil"));
        var unsigned = _aliceKeys.DeviceKeys(keys => keys.Remove("signatures"));
        var noEd25519 = _aliceKeys.DeviceKeys(keys => keys["keys"]!.AsObject().Remove($"ed25519:{AliceDevice}"));

        foreach (var (deviceKeys, errcode) in new[] { (otherDevice, "M_INVALID_PARAM"), (otherUser, "M_INVALID_PARAM"), (tampered, "M_INVALID_PARAM"), (unsigned, "M_BAD_JSON"), (noEd25519, "M_INVALID_PARAM") })
        {
            var body = new JsonObject { ["device_keys"] = deviceKeys, ["one_time_keys"] = _aliceKeys.OneTimeKeys(1) };
            await (await UploadRawAsync(alice, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
        }

        (await QueryAsync(bob, $$$"""{"device_keys":{"{{{AliceId}}}":[]}}""")).GetProperty("device_keys").GetProperty(AliceId).EnumerateObject().ShouldBeEmpty();
        SignedCount((await UploadAsync(alice, [])).GetProperty("one_time_key_counts")).ShouldBe(0);
    }

    [Fact]
    public async Task One_time_keys_signed_by_another_key_are_refused_once_the_device_key_is_known()
    {
        await UploadAsync(alice, new JsonObject { ["device_keys"] = _aliceKeys.DeviceKeys() });
        var impostor = new TestDeviceKeys(AliceId, AliceDevice);

        await (await UploadRawAsync(alice, new JsonObject { ["one_time_keys"] = impostor.OneTimeKeys(1) })).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Theory]
    [InlineData("query", "{}", "M_MISSING_PARAM")]
    [InlineData("query", """{"device_keys":[]}""", "M_BAD_JSON")]
    [InlineData("query", """{"device_keys":{"@alice:example.org":"all"}}""", "M_BAD_JSON")]
    [InlineData("query", """{"device_keys":{"alice":[]}}""", "M_INVALID_PARAM")]
    [InlineData("query", """{"device_keys":{},"timeout":"soon"}""", "M_BAD_JSON")]
    [InlineData("claim", "{}", "M_MISSING_PARAM")]
    [InlineData("claim", """{"one_time_keys":{"@alice:example.org":["DEVICE"]}}""", "M_BAD_JSON")]
    [InlineData("claim", """{"one_time_keys":{"@alice:example.org":{"DEVICE":1}}}""", "M_BAD_JSON")]
    public async Task Malformed_queries_and_claims_are_refused(string endpoint, string body, string errcode) =>
        await (await Client.PostJsonAsync($"{RoomClient.V3}/keys/{endpoint}", body, bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

    [Theory]
    [InlineData("upload")]
    [InlineData("query")]
    [InlineData("claim")]
    public async Task Keys_endpoints_need_an_access_token(string endpoint) =>
        await (await Client.PostJsonAsync($"{RoomClient.V3}/keys/{endpoint}", "{}", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");

    [Fact]
    public async Task Deleting_a_device_deletes_its_keys()
    {
        await host.AddDeviceAsync(AliceId, "SECOND");
        var second = new TestDeviceKeys(AliceId, "SECOND");
        var store = host.Services.GetRequiredService<Ranvier.Storage.E2ee.IDeviceKeyStore>();
        await store.UploadAsync(new Ranvier.Storage.E2ee.DeviceKeyUpload(AliceId, "SECOND", second.DeviceKeys().ToJsonString(), [], []));
        (await QueryAsync(bob, $$$"""{"device_keys":{"{{{AliceId}}}":[]}}""")).GetProperty("device_keys").GetProperty(AliceId).TryGetProperty("SECOND", out _).ShouldBeTrue();

        var accounts = host.Services.GetRequiredService<Ranvier.Storage.Accounts.IAccountStore>();
        await accounts.DeleteDeviceAsync(AliceId, "SECOND");
        (await QueryAsync(bob, $$$"""{"device_keys":{"{{{AliceId}}}":[]}}""")).GetProperty("device_keys").GetProperty(AliceId).TryGetProperty("SECOND", out _).ShouldBeFalse();
    }
}
