using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Push;

/// <summary>GET /pushers and POST /pushers/set (spec: client-server API "Push Notifications", pusher.yaml).</summary>
public sealed class PushersTests : IAsyncLifetime
{
    private const string Pushers = "/_matrix/client/v3/pushers";
    private const string Set = "/_matrix/client/v3/pushers/set";
    private const string GatewayUrl = "https://push.example.com/_matrix/push/v1/notify";
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

    /// <summary>A valid body of /pushers/set, changed by <paramref name="edit"/>.</summary>
    private static string Body(string pushkey = "key1", string appId = "org.example.app", Action<JsonObject>? edit = null)
    {
        var body = new JsonObject
        {
            ["kind"] = "http",
            ["app_id"] = appId,
            ["pushkey"] = pushkey,
            ["app_display_name"] = "Example",
            ["device_display_name"] = "Alice's phone",
            ["lang"] = "en",
            ["data"] = new JsonObject { ["url"] = GatewayUrl },
        };
        edit?.Invoke(body);
        return body.ToJsonString();
    }

    private Task<HttpResponseMessage> SetAsync(string json, string? token = null) => host.Client.PostJsonAsync(Set, json, token ?? alice);

    private async Task<JsonElement[]> ListAsync(string? token = null)
    {
        var body = await (await host.Client.GetWithTokenAsync(Pushers, token ?? alice)).ShouldBeOkJsonAsync();
        return [.. body.GetProperty("pushers").EnumerateArray()];
    }

    private static string Key(JsonElement pusher) => pusher.GetProperty("pushkey").GetString()!;

    /// <summary>Another device of alice's with its own access token.</summary>
    private async Task<string> SecondDeviceAsync()
    {
        var accounts = host.Services.GetRequiredService<IAccountStore>();
        await accounts.CreateDeviceAsync(new DeviceRecord("@alice:example.org", "TABLET", null));
        var token = AccessTokens.Generate();
        await accounts.StoreAccessTokenAsync(new AccessTokenRecord(AccessTokens.Hash(token), "@alice:example.org", "TABLET"));
        return token;
    }

    [Fact]
    public async Task A_user_starts_with_no_pushers()
    {
        var body = await (await host.Client.GetWithTokenAsync(Pushers, alice)).ShouldBeOkJsonAsync();

        body.GetRawText().ShouldBe("""{"pushers":[]}""");
    }

    [Fact]
    public async Task A_pusher_is_listed_as_it_was_set()
    {
        var json = Body(edit: b =>
        {
            b["profile_tag"] = "xyz";
            b["data"] = new JsonObject { ["url"] = GatewayUrl, ["format"] = "event_id_only", ["custom"] = new JsonObject { ["a"] = 1 } };
        });

        (await (await SetAsync(json)).ShouldBeOkJsonAsync()).GetRawText().ShouldBe("{}");

        var pusher = (await ListAsync()).ShouldHaveSingleItem();
        pusher.GetProperty("pushkey").GetString().ShouldBe("key1");
        pusher.GetProperty("kind").GetString().ShouldBe("http");
        pusher.GetProperty("app_id").GetString().ShouldBe("org.example.app");
        pusher.GetProperty("app_display_name").GetString().ShouldBe("Example");
        pusher.GetProperty("device_display_name").GetString().ShouldBe("Alice's phone");
        pusher.GetProperty("profile_tag").GetString().ShouldBe("xyz");
        pusher.GetProperty("lang").GetString().ShouldBe("en");
        pusher.GetProperty("data").GetRawText().ShouldBe($$$"""{"url":"{{{GatewayUrl}}}","format":"event_id_only","custom":{"a":1}}""");
    }

    [Fact]
    public async Task Without_a_profile_tag_none_is_listed()
    {
        await (await SetAsync(Body())).ShouldBeOkJsonAsync();

        (await ListAsync()).ShouldHaveSingleItem().TryGetProperty("profile_tag", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task The_same_app_id_and_pushkey_replace_the_pusher_and_others_add_one()
    {
        await (await SetAsync(Body())).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(edit: b => b["lang"] = "de"))).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(pushkey: "key2"))).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(appId: "org.example.other"))).ShouldBeOkJsonAsync();

        var pushers = await ListAsync();
        pushers.Select(p => (p.GetProperty("app_id").GetString(), Key(p), p.GetProperty("lang").GetString()))
            .ShouldBe([("org.example.app", "key1", "de"), ("org.example.app", "key2", "en"), ("org.example.other", "key1", "en")]);
    }

    [Fact]
    public async Task Kind_null_deletes_the_pusher_and_needs_nothing_else()
    {
        await (await SetAsync(Body())).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(pushkey: "key2"))).ShouldBeOkJsonAsync();

        await (await SetAsync("""{"kind":null,"app_id":"org.example.app","pushkey":"key1"}""")).ShouldBeOkJsonAsync();

        Key((await ListAsync()).ShouldHaveSingleItem()).ShouldBe("key2");
    }

    [Fact]
    public async Task Deleting_a_pusher_that_does_not_exist_succeeds()
    {
        await (await SetAsync("""{"kind":null,"app_id":"org.example.app","pushkey":"nothing"}""")).ShouldBeOkJsonAsync();

        (await ListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Deleting_touches_only_the_callers_pusher()
    {
        await (await SetAsync(Body(edit: b => b["append"] = true), bob)).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(edit: b => b["append"] = true))).ShouldBeOkJsonAsync();

        await (await SetAsync("""{"kind":null,"app_id":"org.example.app","pushkey":"key1"}""")).ShouldBeOkJsonAsync();

        (await ListAsync()).ShouldBeEmpty();
        (await ListAsync(bob)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Without_append_the_pushkey_is_taken_from_other_users()
    {
        await (await SetAsync(Body(), bob)).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(pushkey: "bobs-other"), bob)).ShouldBeOkJsonAsync();

        await (await SetAsync(Body(edit: b => b["append"] = false))).ShouldBeOkJsonAsync();

        Key((await ListAsync(bob)).ShouldHaveSingleItem()).ShouldBe("bobs-other");
        Key((await ListAsync()).ShouldHaveSingleItem()).ShouldBe("key1");
    }

    [Fact]
    public async Task Append_is_false_by_default()
    {
        await (await SetAsync(Body(), bob)).ShouldBeOkJsonAsync();

        await (await SetAsync(Body())).ShouldBeOkJsonAsync();

        (await ListAsync(bob)).ShouldBeEmpty();
    }

    [Fact]
    public async Task With_append_other_users_keep_the_same_pushkey()
    {
        await (await SetAsync(Body(), bob)).ShouldBeOkJsonAsync();

        await (await SetAsync(Body(edit: b => b["append"] = true))).ShouldBeOkJsonAsync();

        (await ListAsync(bob)).ShouldHaveSingleItem();
        (await ListAsync()).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Pushers_are_private_to_their_user()
    {
        await (await SetAsync(Body(edit: b => b["append"] = true))).ShouldBeOkJsonAsync();

        (await ListAsync(bob)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Limits_are_inclusive_app_id_in_characters_and_pushkey_in_bytes()
    {
        var appId = new string('é', 64);
        var pushkey = new string('é', 256);

        await (await SetAsync(Body(pushkey: pushkey, appId: appId))).ShouldBeOkJsonAsync();

        var pusher = (await ListAsync()).ShouldHaveSingleItem();
        (pusher.GetProperty("app_id").GetString(), Key(pusher)).ShouldBe((appId, pushkey));
    }

    [Fact]
    public async Task Plain_http_and_a_query_string_are_accepted()
    {
        await (await SetAsync(Body(edit: b => b["data"] = new JsonObject { ["url"] = "http://push.example.com:8080/_matrix/push/v1/notify?app=1" }))).ShouldBeOkJsonAsync();

        (await ListAsync()).ShouldHaveSingleItem();
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "missing kind", """{"app_id":"a","pushkey":"k"}""", "M_MISSING_PARAM" },
        { "kind not a string", Body(edit: b => b["kind"] = 1), "M_BAD_JSON" },
        { "missing app_id", Body(edit: b => b.Remove("app_id")), "M_MISSING_PARAM" },
        { "app_id not a string", Body(edit: b => b["app_id"] = true), "M_BAD_JSON" },
        { "empty app_id", Body(appId: ""), "M_INVALID_PARAM" },
        { "app_id of 65 characters", Body(appId: new string('a', 65)), "M_INVALID_PARAM" },
        { "missing pushkey", Body(edit: b => b.Remove("pushkey")), "M_MISSING_PARAM" },
        { "pushkey not a string", Body(edit: b => b["pushkey"] = 7), "M_BAD_JSON" },
        { "empty pushkey", Body(pushkey: ""), "M_INVALID_PARAM" },
        { "pushkey of 513 bytes", Body(pushkey: new string('é', 256) + "x"), "M_INVALID_PARAM" },
        { "deletion without app_id", """{"kind":null,"pushkey":"k"}""", "M_MISSING_PARAM" },
        { "missing app_display_name", Body(edit: b => b.Remove("app_display_name")), "M_MISSING_PARAM" },
        { "missing device_display_name", Body(edit: b => b.Remove("device_display_name")), "M_MISSING_PARAM" },
        { "missing lang", Body(edit: b => b.Remove("lang")), "M_MISSING_PARAM" },
        { "missing data", Body(edit: b => b.Remove("data")), "M_MISSING_PARAM" },
        { "lang not a string", Body(edit: b => b["lang"] = 1), "M_BAD_JSON" },
        { "profile_tag not a string", Body(edit: b => b["profile_tag"] = 1), "M_BAD_JSON" },
        { "data not an object", Body(edit: b => b["data"] = "https://push.example.com/_matrix/push/v1/notify"), "M_BAD_JSON" },
        { "append not a boolean", Body(edit: b => b["append"] = "yes"), "M_BAD_JSON" },
        { "kind email", Body(edit: b => b["kind"] = "email"), "M_INVALID_PARAM" },
        { "unknown kind", Body(edit: b => b["kind"] = "carrier-pigeon"), "M_INVALID_PARAM" },
        { "data without url", Body(edit: b => b["data"] = new JsonObject { ["format"] = "event_id_only" }), "M_MISSING_PARAM" },
        { "url not a string", Body(edit: b => b["data"] = new JsonObject { ["url"] = 5 }), "M_BAD_JSON" },
        { "relative url", Url("/_matrix/push/v1/notify"), "M_INVALID_PARAM" },
        { "url not http", Url("ftp://push.example.com/_matrix/push/v1/notify"), "M_INVALID_PARAM" },
        { "url with another path", Url("https://push.example.com/notify"), "M_INVALID_PARAM" },
        { "url with a trailing slash", Url("https://push.example.com/_matrix/push/v1/notify/"), "M_INVALID_PARAM" },
        { "url with user information", Url("https://user:pw@push.example.com/_matrix/push/v1/notify"), "M_INVALID_PARAM" },
        { "url with a fragment", Url("https://push.example.com/_matrix/push/v1/notify#x"), "M_INVALID_PARAM" },
        { "url at a loopback address", Url("http://127.0.0.1:5000/_matrix/push/v1/notify"), "M_INVALID_PARAM" },
        { "url at a private address", Url("https://10.1.2.3/_matrix/push/v1/notify"), "M_INVALID_PARAM" },
        { "url at the IPv6 loopback", Url("https://[::1]/_matrix/push/v1/notify"), "M_INVALID_PARAM" },
        { "unknown format", Body(edit: b => b["data"] = new JsonObject { ["url"] = GatewayUrl, ["format"] = "full" }), "M_INVALID_PARAM" },
        { "format not a string", Body(edit: b => b["data"] = new JsonObject { ["url"] = GatewayUrl, ["format"] = 1 }), "M_BAD_JSON" },
    };

    private static string Url(string url) => Body(edit: b => b["data"] = new JsonObject { ["url"] = url });

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_refused_and_writes_nothing(string what, string json, string errcode)
    {
        // Bob holds the same pushkey: a refused request must not take it from him either.
        await (await SetAsync(Body(), bob)).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(edit: b => b["lang"] = "fr"))).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(edit: b => b["append"] = true), bob)).ShouldBeOkJsonAsync();
        var before = (await ListAsync()).Select(p => p.GetRawText()).ToList();

        await (await SetAsync(json)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

        (await ListAsync()).Select(p => p.GetRawText()).ShouldBe(before, what);
        (await ListAsync(bob)).ShouldHaveSingleItem(what);
    }

    [Fact]
    public async Task Missing_fields_are_named_together()
    {
        var error = await (await SetAsync("""{"kind":"http","app_id":"a","pushkey":"k","app_display_name":"A","device_display_name":"D"}"""))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");

        error.GetProperty("error").GetString().ShouldBe("Missing parameters: lang, data");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused()
    {
        await (await SetAsync("{not json")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_NOT_JSON");
        await (await SetAsync("[]")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Both_endpoints_need_an_access_token()
    {
        await (await host.Client.GetWithTokenAsync(Pushers, null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.PostJsonAsync(Set, Body())).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Guests_may_not_set_pushers()
    {
        var guest = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);

        await (await SetAsync(Body(), guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task The_r0_prefix_serves_the_same_pushers()
    {
        await (await SetAsync(Body())).ShouldBeOkJsonAsync();

        var body = await (await host.Client.GetWithTokenAsync("/_matrix/client/r0/pushers", alice)).ShouldBeOkJsonAsync();
        body.GetProperty("pushers").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Logging_out_removes_the_pushers_that_device_set_and_no_others()
    {
        var tablet = await SecondDeviceAsync();
        await (await SetAsync(Body(pushkey: "phone"))).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(pushkey: "tablet"), tablet)).ShouldBeOkJsonAsync();

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout", "{}", tablet)).ShouldBeOkJsonAsync();

        Key((await ListAsync()).ShouldHaveSingleItem()).ShouldBe("phone");
    }

    [Fact]
    public async Task A_pusher_replaced_from_another_device_belongs_to_that_device()
    {
        var tablet = await SecondDeviceAsync();
        await (await SetAsync(Body())).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(), tablet)).ShouldBeOkJsonAsync();

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout", "{}", tablet)).ShouldBeOkJsonAsync();

        (await ListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Logging_out_everywhere_removes_every_pusher()
    {
        var tablet = await SecondDeviceAsync();
        await (await SetAsync(Body(pushkey: "phone"))).ShouldBeOkJsonAsync();
        await (await SetAsync(Body(pushkey: "tablet"), tablet)).ShouldBeOkJsonAsync();

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout/all", "{}", alice)).ShouldBeOkJsonAsync();

        (await ListAsync(bob)).ShouldBeEmpty();
        var fresh = await SecondDeviceAsync();
        (await ListAsync(fresh)).ShouldBeEmpty();
    }
}
