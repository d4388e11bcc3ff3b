using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.AccountData;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Push;

/// <summary>The push rules API (spec: client-server API "Push Rules: API", pushrules.yaml).</summary>
public sealed class PushRulesTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private const string Rules = "/_matrix/client/v3/pushrules/global";
    private TestHost host = null!;
    private string alice = null!;
    private string bob = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\n");
        alice = await host.CreateUserWithTokenAsync("alice");
        bob = await host.CreateUserWithTokenAsync("bob");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private Task<HttpResponseMessage> Get(string path, string? token = null) => host.Client.GetWithTokenAsync(path, token ?? alice);

    private Task<HttpResponseMessage> Put(string path, string json, string? token = null) => host.Client.PutJsonAsync(path, json, token ?? alice);

    private Task<HttpResponseMessage> Delete(string path) => host.Client.DeleteWithTokenAsync(path, alice);

    private async Task<List<string>> RuleIdsAsync(string kind, string? token = null)
    {
        var ruleset = await (await Get($"{Rules}/", token)).ShouldBeOkJsonAsync();
        return [.. ruleset.GetProperty(kind).EnumerateArray().Select(r => r.GetProperty("rule_id").GetString()!)];
    }

    [Fact]
    public async Task A_new_user_gets_the_server_defaults_under_global()
    {
        var all = await (await Get("/_matrix/client/v3/pushrules/")).ShouldBeOkJsonAsync();

        var global = all.GetProperty("global");
        foreach (var kind in new[] { "override", "content", "room", "sender", "underride" })
        {
            global.GetProperty(kind).ValueKind.ShouldBe(JsonValueKind.Array);
        }

        global.GetProperty("override")[0].GetProperty("rule_id").GetString().ShouldBe(".m.rule.master");
        global.GetProperty("override")[0].GetProperty("enabled").GetBoolean().ShouldBeFalse();
        var invite = global.GetProperty("override").EnumerateArray().Single(r => r.GetProperty("rule_id").GetString() == ".m.rule.invite_for_me");
        invite.GetProperty("conditions")[2].GetProperty("pattern").GetString().ShouldBe(Alice);
        global.GetProperty("underride").EnumerateArray().Select(r => r.GetProperty("rule_id").GetString())
            .ShouldBe([".m.rule.call", ".m.rule.encrypted_room_one_to_one", ".m.rule.room_one_to_one", ".m.rule.message", ".m.rule.encrypted"]);
        (await (await Get($"{Rules}/")).ShouldBeOkJsonAsync()).GetRawText().ShouldBe(global.GetRawText());
    }

    [Fact]
    public async Task The_ruleset_answers_with_and_without_a_trailing_slash()
    {
        await (await Get("/_matrix/client/v3/pushrules")).ShouldBeOkJsonAsync();
        await (await Get(Rules)).ShouldBeOkJsonAsync();
        await (await Get("/_matrix/client/r0/pushrules/")).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task A_content_rule_is_created_read_and_deleted()
    {
        await (await Put($"{Rules}/content/nocake", """{"pattern":"cake*lie","actions":["notify",{"set_tweak":"sound","value":"cakealarm.wav"}]}""")).ShouldBeOkJsonAsync();

        var rule = await (await Get($"{Rules}/content/nocake")).ShouldBeOkJsonAsync();
        rule.GetProperty("rule_id").GetString().ShouldBe("nocake");
        rule.GetProperty("pattern").GetString().ShouldBe("cake*lie");
        rule.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        rule.GetProperty("default").GetBoolean().ShouldBeFalse();
        rule.GetProperty("actions")[1].GetProperty("value").GetString().ShouldBe("cakealarm.wav");

        await (await Delete($"{Rules}/content/nocake")).ShouldBeOkJsonAsync();
        await (await Get($"{Rules}/content/nocake")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Delete($"{Rules}/content/nocake")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Room_and_sender_rules_are_named_by_their_ids_and_carry_no_conditions()
    {
        await (await Put($"{Rules}/room/{Uri.EscapeDataString("!dj234r78wl45Gh4D:matrix.org")}", """{"actions":[]}""")).ShouldBeOkJsonAsync();
        await (await Put($"{Rules}/sender/{Uri.EscapeDataString("@spambot:matrix.org")}", """{"actions":[],"conditions":[{"kind":"x"}]}""")).ShouldBeOkJsonAsync();

        var room = await (await Get($"{Rules}/room/{Uri.EscapeDataString("!dj234r78wl45Gh4D:matrix.org")}")).ShouldBeOkJsonAsync();
        room.TryGetProperty("conditions", out _).ShouldBeFalse();
        (await RuleIdsAsync("sender")).ShouldBe(["@spambot:matrix.org"]);
    }

    [Fact]
    public async Task New_rules_go_to_the_top_of_the_user_rules_below_master_unless_placed()
    {
        const string Body = """{"conditions":[{"kind":"event_match","key":"content.body","pattern":"beer"},{"kind":"room_member_count","is":"<=10"}],"actions":["notify"]}""";
        await (await Put($"{Rules}/override/a", Body)).ShouldBeOkJsonAsync();
        await (await Put($"{Rules}/override/b", Body)).ShouldBeOkJsonAsync();
        await (await Put($"{Rules}/override/c?after=b", Body)).ShouldBeOkJsonAsync();
        await (await Put($"{Rules}/override/d?before=a", Body)).ShouldBeOkJsonAsync();
        await (await Put($"{Rules}/override/e?before=b&after=a", Body)).ShouldBeOkJsonAsync();

        (await RuleIdsAsync("override")).Take(7).ShouldBe([".m.rule.master", "e", "b", "c", "d", "a", ".m.rule.suppress_notices"]);
    }

    [Fact]
    public async Task Replacing_a_rule_keeps_its_place_and_enabled_flag_and_takes_the_new_definition()
    {
        await (await Put($"{Rules}/underride/first", """{"actions":["notify"]}""")).ShouldBeOkJsonAsync();
        await (await Put($"{Rules}/underride/second", """{"actions":["notify"]}""")).ShouldBeOkJsonAsync();
        await (await Put($"{Rules}/underride/first/enabled", """{"enabled":false}""")).ShouldBeOkJsonAsync();

        await (await Put($"{Rules}/underride/first", """{"actions":[],"conditions":[{"kind":"event_match","key":"type","pattern":"m.sticker"}]}""")).ShouldBeOkJsonAsync();

        (await RuleIdsAsync("underride")).Take(3).ShouldBe(["second", "first", ".m.rule.call"]);
        var first = await (await Get($"{Rules}/underride/first")).ShouldBeOkJsonAsync();
        first.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        first.GetProperty("actions").GetArrayLength().ShouldBe(0);
        first.GetProperty("conditions")[0].GetProperty("pattern").GetString().ShouldBe("m.sticker");
    }

    [Fact]
    public async Task A_rule_placed_relative_to_a_missing_or_server_rule_is_refused()
    {
        await (await Put($"{Rules}/override/x?before=nope", """{"actions":[]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
        await (await Put($"{Rules}/override/x?after=.m.rule.master", """{"actions":[]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");

        await (await Get($"{Rules}/override/x")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Server_default_rules_can_be_toggled_and_given_actions_but_not_created_or_deleted()
    {
        await (await Put($"{Rules}/override/.m.rule.master/enabled", """{"enabled":true}""")).ShouldBeOkJsonAsync();
        await (await Put($"{Rules}/underride/.m.rule.message/actions", """{"actions":["notify",{"set_tweak":"sound","value":"bing"}]}""")).ShouldBeOkJsonAsync();

        (await (await Get($"{Rules}/override/.m.rule.master/enabled")).ShouldBeOkJsonAsync()).GetProperty("enabled").GetBoolean().ShouldBeTrue();
        var actions = await (await Get($"{Rules}/underride/.m.rule.message/actions")).ShouldBeOkJsonAsync();
        actions.GetProperty("actions")[1].GetProperty("value").GetString().ShouldBe("bing");
        var message = await (await Get($"{Rules}/underride/.m.rule.message")).ShouldBeOkJsonAsync();
        message.GetProperty("default").GetBoolean().ShouldBeTrue();
        message.GetProperty("conditions")[0].GetProperty("pattern").GetString().ShouldBe("m.room.message");

        await (await Put($"{Rules}/override/.m.rule.master", """{"actions":[]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await Put($"{Rules}/override/.org.example.mine", """{"actions":[]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await Delete($"{Rules}/override/.m.rule.master")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await RuleIdsAsync("override")).ShouldContain(".m.rule.master");
    }

    [Fact]
    public async Task Enabled_and_actions_of_user_rules_round_trip()
    {
        await (await Put($"{Rules}/sender/{Uri.EscapeDataString("@x:example.org")}", """{"actions":["notify"]}""")).ShouldBeOkJsonAsync();
        var path = $"{Rules}/sender/{Uri.EscapeDataString("@x:example.org")}";

        (await (await Get($"{path}/enabled")).ShouldBeOkJsonAsync()).GetProperty("enabled").GetBoolean().ShouldBeTrue();
        await (await Put($"{path}/enabled", """{"enabled":false}""")).ShouldBeOkJsonAsync();
        await (await Put($"{path}/actions", """{"actions":["org.example.unknown",{"set_tweak":"highlight","value":false}]}""")).ShouldBeOkJsonAsync();

        (await (await Get($"{path}/enabled")).ShouldBeOkJsonAsync()).GetProperty("enabled").GetBoolean().ShouldBeFalse();
        (await (await Get($"{path}/actions")).ShouldBeOkJsonAsync()).GetProperty("actions").GetRawText()
            .ShouldBe("""["org.example.unknown",{"set_tweak":"highlight","value":false}]""");
    }

    [Fact]
    public async Task Unknown_rules_are_not_found_for_every_operation()
    {
        foreach (var suffix in new[] { string.Empty, "/enabled", "/actions" })
        {
            await (await Get($"{Rules}/override/missing{suffix}")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        }

        await (await Put($"{Rules}/override/missing/enabled", """{"enabled":true}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Put($"{Rules}/override/missing/actions", """{"actions":[]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Get($"{Rules}/content/.m.rule.master")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("override/x", """{"conditions":[]}""", "M_MISSING_PARAM")]
    [InlineData("override/x", """{"actions":"notify"}""", "M_BAD_JSON")]
    [InlineData("override/x", """{"actions":[1]}""", "M_BAD_JSON")]
    [InlineData("override/x", """{"actions":[{"set_tweak":5}]}""", "M_BAD_JSON")]
    [InlineData("override/x", """{"actions":[],"conditions":{}}""", "M_BAD_JSON")]
    [InlineData("override/x", """{"actions":[],"conditions":[{"kind":"event_match","key":"type"}]}""", "M_BAD_JSON")]
    [InlineData("override/x", """{"actions":[],"conditions":[{"kind":"room_member_count","is":"lots"}]}""", "M_BAD_JSON")]
    [InlineData("override/x", """{"actions":[],"conditions":[{"kind":"event_property_is","key":"k","value":[]}]}""", "M_BAD_JSON")]
    [InlineData("content/x", """{"actions":[]}""", "M_MISSING_PARAM")]
    [InlineData("content/x", """{"actions":[],"pattern":7}""", "M_BAD_JSON")]
    [InlineData("room/not-a-room", """{"actions":[]}""", "M_INVALID_PARAM")]
    [InlineData("sender/not-a-user", """{"actions":[]}""", "M_INVALID_PARAM")]
    [InlineData("override/a%5Cb", """{"actions":[]}""", "M_INVALID_PARAM")]
    [InlineData("override/a%2Fb", """{"actions":[]}""", "M_INVALID_PARAM")]
    [InlineData("sideways/x", """{"actions":[]}""", "M_INVALID_PARAM")]
    [InlineData("override/x", "[]", "M_BAD_JSON")]
    [InlineData("override/x", "not json", "M_NOT_JSON")]
    public async Task Bad_rules_are_refused_with_400_and_change_nothing(string path, string body, string errcode)
    {
        var before = (await (await Get($"{Rules}/")).ShouldBeOkJsonAsync()).GetRawText();

        await (await Put($"{Rules}/{path}", body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

        (await (await Get($"{Rules}/")).ShouldBeOkJsonAsync()).GetRawText().ShouldBe(before);
    }

    [Theory]
    [InlineData("""{}""", "M_MISSING_PARAM")]
    [InlineData("""{"enabled":"yes"}""", "M_BAD_JSON")]
    public async Task Bad_enabled_bodies_are_refused(string body, string errcode)
    {
        await (await Put($"{Rules}/override/.m.rule.master/enabled", body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
    }

    [Theory]
    [InlineData("""{}""", "M_MISSING_PARAM")]
    [InlineData("""{"actions":{"notify":true}}""", "M_BAD_JSON")]
    public async Task Bad_actions_bodies_are_refused(string body, string errcode)
    {
        await (await Put($"{Rules}/override/.m.rule.master/actions", body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
    }

    [Fact]
    public async Task Unknown_scopes_and_kinds_are_invalid_params()
    {
        await (await Get("/_matrix/client/v3/pushrules/device/")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await Get("/_matrix/client/v3/pushrules/device/override/.m.rule.master")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await Put("/_matrix/client/v3/pushrules/device/override/x", """{"actions":[]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await Get($"{Rules}/sideways/x")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await Delete($"{Rules}/sideways/x")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Push_rules_need_an_access_token_and_are_per_user()
    {
        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/pushrules/", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await Put($"{Rules}/override/alices", """{"actions":[]}""")).ShouldBeOkJsonAsync();

        (await RuleIdsAsync("override", bob)).ShouldNotContain("alices");
        var bobsInvite = (await (await Get($"{Rules}/override/.m.rule.invite_for_me", bob)).ShouldBeOkJsonAsync()).GetProperty("conditions")[2];
        bobsInvite.GetProperty("pattern").GetString().ShouldBe("@bob:example.org");
    }

    [Fact]
    public async Task Edits_are_the_m_push_rules_account_data_and_wake_sync()
    {
        var notifier = host.Services.GetRequiredService<StreamNotifier>();
        var accountData = host.Services.GetRequiredService<AccountDataService>();
        var before = notifier.Position;

        await (await Put($"{Rules}/override/.m.rule.master/enabled", """{"enabled":true}""")).ShouldBeOkJsonAsync();

        notifier.Position.ShouldBeGreaterThan(before);
        var changed = (await accountData.ChangedAfterAsync(Alice, before, CancellationToken.None)).ShouldHaveSingleItem();
        changed.Type.ShouldBe("m.push_rules");
        changed.RoomId.ShouldBeNull();
        var stored = JsonDocument.Parse(changed.ContentJson).RootElement.GetProperty("global");
        stored.GetRawText().ShouldBe((await (await Get($"{Rules}/")).ShouldBeOkJsonAsync()).GetRawText());
        stored.GetProperty("override")[0].GetProperty("enabled").GetBoolean().ShouldBeTrue();
        await (await Put("/_matrix/client/v3/user/@alice:example.org/account_data/m.push_rules", "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.MethodNotAllowed, "M_BAD_JSON");
    }

    [Fact]
    public async Task Refused_edits_take_no_stream_position()
    {
        var notifier = host.Services.GetRequiredService<StreamNotifier>();
        var before = notifier.Position;

        await (await Put($"{Rules}/override/missing/enabled", """{"enabled":true}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Put($"{Rules}/override/x?before=nope", """{"actions":[]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");

        notifier.Position.ShouldBe(before);
    }
}
