using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.CrossSigning;

public sealed class DeviceSigningUploadTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private TestHost host = null!;
    private string aliceToken = null!;
    private string bobToken = null!;
    private TestCrossSigningKeys aliceKeys = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync(AccountTestClient.Open);
        (aliceToken, _) = await AccountTestClient.RegisterAsync(host, "alice", CrossSigningClient.Password);
        (bobToken, _) = await AccountTestClient.RegisterAsync(host, "bob", CrossSigningClient.Password);
        aliceKeys = new TestCrossSigningKeys(Alice);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private long Position => host.Services.GetRequiredService<StreamNotifier>().Position;

    private static JsonObject WithAuth(JsonObject body, string? session = null)
    {
        body["auth"] = JsonNode.Parse(AccountTestClient.PasswordAuth("alice", CrossSigningClient.Password, session));
        return body;
    }

    [Fact]
    public async Task The_first_upload_needs_no_auth_and_query_shows_the_keys_with_user_signing_to_the_owner_only()
    {
        var before = Position;

        (await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync()).EnumerateObject().ShouldBeEmpty();

        Position.ShouldBeGreaterThan(before);
        var own = await host.QueryKeysAsync(aliceToken, Alice);
        own["master_keys"]![Alice]!["keys"]![aliceKeys.Master.KeyId]!.GetValue<string>().ShouldBe(aliceKeys.Master.PublicKey);
        own["self_signing_keys"]![Alice]!["keys"]![aliceKeys.SelfSigning.KeyId]!.GetValue<string>().ShouldBe(aliceKeys.SelfSigning.PublicKey);
        own["user_signing_keys"]![Alice]!["keys"]![aliceKeys.UserSigning.KeyId]!.GetValue<string>().ShouldBe(aliceKeys.UserSigning.PublicKey);
        var seenByBob = await host.QueryKeysAsync(bobToken, Alice);
        seenByBob["master_keys"]![Alice].ShouldNotBeNull();
        seenByBob["self_signing_keys"]![Alice].ShouldNotBeNull();
        seenByBob["user_signing_keys"]!.AsObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Repeating_the_stored_keys_needs_no_auth_and_changes_nothing()
    {
        await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync();
        var after = Position;

        await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync();

        Position.ShouldBe(after);
    }

    [Fact]
    public async Task Replacing_the_keys_requires_the_password_then_the_new_keys_are_served()
    {
        await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync();
        var replacement = new TestCrossSigningKeys(Alice);

        var challenge = await (await host.UploadKeysAsync(aliceToken, replacement.UploadBody())).ShouldBeUiaChallengeAsync();
        (await host.QueryKeysAsync(aliceToken, Alice))["master_keys"]![Alice]!["keys"]![aliceKeys.Master.KeyId].ShouldNotBeNull();

        var session = challenge.GetProperty("session").GetString();
        await (await host.UploadKeysAsync(aliceToken, WithAuth(replacement.UploadBody(), session))).ShouldBeOkJsonAsync();
        (await host.QueryKeysAsync(aliceToken, Alice))["master_keys"]![Alice]!["keys"]![replacement.Master.KeyId].ShouldNotBeNull();
    }

    [Fact]
    public async Task A_new_self_signing_key_under_the_stored_master_requires_auth_and_is_then_accepted()
    {
        await (await host.UploadKeysAsync(aliceToken, new JsonObject { ["master_key"] = aliceKeys.MasterJson() })).ShouldBeOkJsonAsync();
        var body = new JsonObject { ["self_signing_key"] = aliceKeys.SelfSigningJson() };

        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeUiaChallengeAsync();
        await (await host.UploadKeysAsync(aliceToken, WithAuth(body))).ShouldBeOkJsonAsync();

        (await host.QueryKeysAsync(bobToken, Alice))["self_signing_keys"]![Alice]!["keys"]![aliceKeys.SelfSigning.KeyId].ShouldNotBeNull();
    }

    [Fact]
    public async Task A_wrong_password_keeps_the_stored_keys()
    {
        await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync();
        var replacement = new TestCrossSigningKeys(Alice);
        var body = replacement.UploadBody();
        body["auth"] = JsonNode.Parse(AccountTestClient.PasswordAuth("alice", "wrong"));

        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeUiaChallengeAsync("M_FORBIDDEN");

        (await host.QueryKeysAsync(aliceToken, Alice))["master_keys"]![Alice]!["keys"]![aliceKeys.Master.KeyId].ShouldNotBeNull();
    }

    [Fact]
    public async Task Without_a_master_key_in_the_request_or_stored_the_upload_is_M_MISSING_PARAM()
    {
        var body = new JsonObject { ["self_signing_key"] = aliceKeys.SelfSigningJson() };

        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task A_self_signing_key_not_signed_by_the_master_is_M_INVALID_SIGNATURE()
    {
        var body = aliceKeys.UploadBody();
        body["self_signing_key"] = TestKey.CrossSigning().Sign(TestCrossSigningKeys.KeyObject(Alice, "self_signing", aliceKeys.SelfSigning), Alice);

        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_SIGNATURE");
        (await host.QueryKeysAsync(aliceToken, Alice))["master_keys"]!.AsObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_user_signing_key_with_a_tampered_signature_is_M_INVALID_SIGNATURE()
    {
        var body = aliceKeys.UploadBody();
        body["user_signing_key"]!["usage"] = new JsonArray("user_signing", "extra");

        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_SIGNATURE");
    }

    [Fact]
    public async Task A_key_with_the_wrong_usage_is_refused()
    {
        var body = aliceKeys.UploadBody();
        body["master_key"] = TestCrossSigningKeys.KeyObject(Alice, "self_signing", aliceKeys.Master);

        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_key_of_another_user_is_refused()
    {
        var body = new JsonObject { ["master_key"] = TestCrossSigningKeys.KeyObject(Bob, "master", aliceKeys.Master) };

        await (await host.UploadKeysAsync(aliceToken, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        (await host.QueryKeysAsync(aliceToken, Bob))["master_keys"]!.AsObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_key_object_must_hold_exactly_one_key_named_after_itself()
    {
        var two = aliceKeys.MasterJson();
        two["keys"]![TestKey.CrossSigning().KeyId] = "second";
        var misnamed = aliceKeys.MasterJson();
        misnamed["keys"] = new JsonObject { ["ed25519:other"] = aliceKeys.Master.PublicKey };

        await (await host.UploadKeysAsync(aliceToken, new JsonObject { ["master_key"] = two })).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.UploadKeysAsync(aliceToken, new JsonObject { ["master_key"] = misnamed })).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.UploadKeysAsync(aliceToken, new JsonObject { ["master_key"] = "not an object" })).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
    }
}
