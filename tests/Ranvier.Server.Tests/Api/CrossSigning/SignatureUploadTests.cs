using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.CrossSigning;

public sealed class SignatureUploadTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private TestHost host = null!;
    private string aliceToken = null!;
    private string aliceDevice = null!;
    private string bobToken = null!;
    private TestCrossSigningKeys aliceKeys = null!;
    private TestCrossSigningKeys bobKeys = null!;
    private JsonObject aliceDeviceKeys = null!;
    private TestKey aliceDeviceKey = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync(AccountTestClient.Open);
        (aliceToken, aliceDevice) = await AccountTestClient.RegisterAsync(host, "alice", CrossSigningClient.Password);
        (bobToken, _) = await AccountTestClient.RegisterAsync(host, "bob", CrossSigningClient.Password);
        aliceKeys = new TestCrossSigningKeys(Alice);
        bobKeys = new TestCrossSigningKeys(Bob);
        (aliceDeviceKeys, aliceDeviceKey) = await host.UploadDeviceKeysAsync(aliceToken, Alice, aliceDevice);
        await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync();
        await (await host.UploadKeysAsync(bobToken, bobKeys.UploadBody())).ShouldBeOkJsonAsync();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private long Position => host.Services.GetRequiredService<StreamNotifier>().Position;

    private static JsonObject Body(string userId, string keyId, JsonObject signed) => new() { [userId] = new JsonObject { [keyId] = signed } };

    [Fact]
    public async Task A_device_signed_by_the_self_signing_key_shows_the_signature_in_query()
    {
        var signed = CrossSigningClient.FreshlySigned(aliceDeviceKeys, aliceKeys.SelfSigning, Alice);
        var before = Position;

        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Alice, aliceDevice, signed))).ShouldBeOkJsonAsync();

        response.GetProperty("failures").EnumerateObject().ShouldBeEmpty();
        Position.ShouldBeGreaterThan(before);
        var device = (await host.QueryKeysAsync(bobToken, Alice))["device_keys"]![Alice]![aliceDevice];
        CrossSigningClient.SignatureBy(device, Alice, aliceKeys.SelfSigning.KeyId).ShouldBe(CrossSigningClient.SignatureBy(signed, Alice, aliceKeys.SelfSigning.KeyId));
        CrossSigningClient.SignatureBy(device, Alice, aliceDeviceKey.KeyId).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_bad_signature_fails_alone_while_the_good_one_beside_it_is_stored()
    {
        var good = CrossSigningClient.FreshlySigned(aliceKeys.MasterJson(), aliceDeviceKey, Alice);
        var bad = CrossSigningClient.FreshlySigned(aliceDeviceKeys, TestKey.CrossSigning(), Alice);
        bad["signatures"]![Alice]![aliceKeys.SelfSigning.KeyId] = CrossSigningClient.SignatureBy(bad, Alice, bad["signatures"]![Alice]!.AsObject().First().Key);
        var body = new JsonObject { [Alice] = new JsonObject { [aliceDevice] = bad, [aliceKeys.Master.PublicKey] = good } };

        var response = await (await host.UploadSignaturesAsync(aliceToken, body)).ShouldBeOkJsonAsync();

        CrossSigningClient.ErrorCode(response, Alice, aliceDevice).ShouldBe("M_INVALID_SIGNATURE");
        response.GetProperty("failures").GetProperty(Alice).TryGetProperty(aliceKeys.Master.PublicKey, out _).ShouldBeFalse();
        var query = await host.QueryKeysAsync(bobToken, Alice);
        CrossSigningClient.SignatureBy(query["master_keys"]![Alice], Alice, aliceDeviceKey.KeyId).ShouldNotBeNull();
        CrossSigningClient.SignatureBy(query["device_keys"]![Alice]![aliceDevice], Alice, aliceKeys.SelfSigning.KeyId).ShouldBeNull();
    }

    [Fact]
    public async Task A_signature_for_an_unknown_device_is_M_NOT_FOUND()
    {
        var signed = CrossSigningClient.FreshlySigned(aliceDeviceKeys, aliceKeys.SelfSigning, Alice);

        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Alice, "NOSUCHDEVICE", signed))).ShouldBeOkJsonAsync();

        CrossSigningClient.ErrorCode(response, Alice, "NOSUCHDEVICE").ShouldBe("M_NOT_FOUND");
    }

    [Fact]
    public async Task A_signed_object_that_differs_from_the_stored_keys_is_M_INVALID_SIGNATURE()
    {
        var altered = aliceDeviceKeys.DeepClone().AsObject();
        altered["algorithms"] = new JsonArray("m.megolm.v1.aes-sha2");
        var signed = CrossSigningClient.FreshlySigned(altered, aliceKeys.SelfSigning, Alice);

        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Alice, aliceDevice, signed))).ShouldBeOkJsonAsync();

        CrossSigningClient.ErrorCode(response, Alice, aliceDevice).ShouldBe("M_INVALID_SIGNATURE");
    }

    [Fact]
    public async Task A_device_signed_by_another_key_than_the_self_signing_key_is_M_INVALID_SIGNATURE()
    {
        var signed = CrossSigningClient.FreshlySigned(aliceDeviceKeys, aliceKeys.UserSigning, Alice);

        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Alice, aliceDevice, signed))).ShouldBeOkJsonAsync();

        CrossSigningClient.ErrorCode(response, Alice, aliceDevice).ShouldBe("M_INVALID_SIGNATURE");
    }

    [Fact]
    public async Task A_signature_on_another_users_master_key_is_seen_by_its_signer_only()
    {
        var signed = CrossSigningClient.FreshlySigned(bobKeys.MasterJson(), aliceKeys.UserSigning, Alice);

        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Bob, bobKeys.Master.PublicKey, signed))).ShouldBeOkJsonAsync();

        response.GetProperty("failures").EnumerateObject().ShouldBeEmpty();
        var seenByAlice = (await host.QueryKeysAsync(aliceToken, Bob))["master_keys"]![Bob];
        CrossSigningClient.SignatureBy(seenByAlice, Alice, aliceKeys.UserSigning.KeyId).ShouldNotBeNull();
        var seenByBob = (await host.QueryKeysAsync(bobToken, Bob))["master_keys"]![Bob];
        seenByBob!["signatures"]?[Alice].ShouldBeNull();
    }

    [Fact]
    public async Task Another_users_master_key_signed_by_the_self_signing_key_is_M_INVALID_SIGNATURE()
    {
        var signed = CrossSigningClient.FreshlySigned(bobKeys.MasterJson(), aliceKeys.SelfSigning, Alice);

        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Bob, bobKeys.Master.PublicKey, signed))).ShouldBeOkJsonAsync();

        CrossSigningClient.ErrorCode(response, Bob, bobKeys.Master.PublicKey).ShouldBe("M_INVALID_SIGNATURE");
    }

    [Fact]
    public async Task Another_users_key_other_than_their_master_key_is_M_NOT_FOUND()
    {
        var signed = CrossSigningClient.FreshlySigned(bobKeys.SelfSigningJson(), aliceKeys.UserSigning, Alice);

        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Bob, bobKeys.SelfSigning.PublicKey, signed))).ShouldBeOkJsonAsync();

        CrossSigningClient.ErrorCode(response, Bob, bobKeys.SelfSigning.PublicKey).ShouldBe("M_NOT_FOUND");
    }

    [Fact]
    public async Task Replacing_the_self_signing_key_drops_the_device_signatures_it_made()
    {
        await (await host.UploadSignaturesAsync(aliceToken, Body(Alice, aliceDevice, CrossSigningClient.FreshlySigned(aliceDeviceKeys, aliceKeys.SelfSigning, Alice))))
            .ShouldBeOkJsonAsync();
        var body = new JsonObject { ["self_signing_key"] = aliceKeys.Master.Sign(TestCrossSigningKeys.KeyObject(Alice, "self_signing", TestKey.CrossSigning()), Alice) };
        body["auth"] = JsonNode.Parse(AccountTestClient.PasswordAuth("alice", CrossSigningClient.Password));

        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeOkJsonAsync();

        var device = (await host.QueryKeysAsync(bobToken, Alice))["device_keys"]![Alice]![aliceDevice];
        CrossSigningClient.SignatureBy(device, Alice, aliceKeys.SelfSigning.KeyId).ShouldBeNull();
    }

    [Fact]
    public async Task Sending_again_a_device_signature_the_master_key_was_uploaded_with_is_accepted()
    {
        var master = CrossSigningClient.FreshlySigned(aliceKeys.MasterJson(), aliceDeviceKey, Alice);
        var body = aliceKeys.UploadBody();
        body["master_key"] = master.DeepClone();
        body["auth"] = JsonNode.Parse(AccountTestClient.PasswordAuth("alice", CrossSigningClient.Password));
        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeOkJsonAsync();

        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Alice, aliceKeys.Master.PublicKey, master))).ShouldBeOkJsonAsync();

        response.GetProperty("failures").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_master_key_without_any_device_signature_is_M_INVALID_SIGNATURE()
    {
        var response = await (await host.UploadSignaturesAsync(aliceToken, Body(Alice, aliceKeys.Master.PublicKey, aliceKeys.MasterJson()))).ShouldBeOkJsonAsync();

        CrossSigningClient.ErrorCode(response, Alice, aliceKeys.Master.PublicKey).ShouldBe("M_INVALID_SIGNATURE");
    }

    [Fact]
    public async Task A_body_value_that_is_not_an_object_is_M_BAD_JSON()
    {
        await (await host.UploadSignaturesAsync(aliceToken, new JsonObject { [Alice] = "nope" })).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        await (await host.UploadSignaturesAsync(aliceToken, new JsonObject { ["not-a-user"] = new JsonObject() })).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }
}
