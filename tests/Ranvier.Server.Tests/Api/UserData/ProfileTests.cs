using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.UserData;

public sealed class ProfileTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private TestHost host = null!;
    private string aliceToken = null!;
    private string bobToken = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\nregistration:\n  mode: open\n");
        aliceToken = await host.CreateUserWithTokenAsync("alice");
        bobToken = await host.CreateUserWithTokenAsync("bob");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static string FieldPath(string user, string key) => $"/_matrix/client/v3/profile/{Uri.EscapeDataString(user)}/{Uri.EscapeDataString(key)}";

    private Task<JsonElement> ProfileAsync(string user) =>
        host.Client.GetAsync($"/_matrix/client/v3/profile/{Uri.EscapeDataString(user)}").ContinueWith(t => t.Result.ShouldBeOkJsonAsync()).Unwrap();

    [Fact]
    public async Task A_registered_account_starts_with_its_localpart_as_display_name()
    {
        var session = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"username":"carol","password":"pw","auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();

        var profile = await ProfileAsync(session.GetProperty("user_id").GetString()!);

        profile.GetProperty("displayname").GetString().ShouldBe("carol");
    }

    [Fact]
    public async Task Display_name_and_avatar_are_set_and_read_back_without_a_token()
    {
        await (await host.Client.PutJsonAsync(FieldPath(Alice, "displayname"), """{"displayname":"Alice Ⓐ"}""", aliceToken)).ShouldBeOkJsonAsync();
        await (await host.Client.PutJsonAsync(FieldPath(Alice, "avatar_url"), """{"avatar_url":"mxc://example.org/abc_D-1"}""", aliceToken)).ShouldBeOkJsonAsync();

        (await (await host.Client.GetAsync(FieldPath(Alice, "displayname"))).ShouldBeOkJsonAsync()).GetProperty("displayname").GetString().ShouldBe("Alice Ⓐ");
        (await (await host.Client.GetAsync("/_matrix/client/r0/profile/@alice:example.org/avatar_url")).ShouldBeOkJsonAsync())
            .GetProperty("avatar_url").GetString().ShouldBe("mxc://example.org/abc_D-1");
        var profile = await ProfileAsync(Alice);
        profile.GetProperty("displayname").GetString().ShouldBe("Alice Ⓐ");
        profile.GetProperty("avatar_url").GetString().ShouldBe("mxc://example.org/abc_D-1");
    }

    [Fact]
    public async Task Custom_fields_and_time_zone_hold_json_and_are_deleted()
    {
        await (await host.Client.PutJsonAsync(FieldPath(Alice, "m.tz"), """{"m.tz":"Europe/Paris"}""", aliceToken)).ShouldBeOkJsonAsync();
        await (await host.Client.PutJsonAsync(FieldPath(Alice, "com.example.pets"), """{"com.example.pets":{"cats":2,"names":["a","b"]}}""", aliceToken)).ShouldBeOkJsonAsync();

        var pets = await (await host.Client.GetAsync(FieldPath(Alice, "com.example.pets"))).ShouldBeOkJsonAsync();
        pets.GetProperty("com.example.pets").GetProperty("cats").GetInt32().ShouldBe(2);
        (await ProfileAsync(Alice)).GetProperty("m.tz").GetString().ShouldBe("Europe/Paris");

        await (await host.Client.DeleteWithTokenAsync(FieldPath(Alice, "com.example.pets"), aliceToken)).ShouldBeOkJsonAsync();
        await (await host.Client.DeleteWithTokenAsync(FieldPath(Alice, "com.example.pets"), aliceToken)).ShouldBeOkJsonAsync();
        await (await host.Client.GetAsync(FieldPath(Alice, "com.example.pets"))).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task An_empty_avatar_url_removes_the_avatar()
    {
        await (await host.Client.PutJsonAsync(FieldPath(Alice, "avatar_url"), """{"avatar_url":"mxc://example.org/abc"}""", aliceToken)).ShouldBeOkJsonAsync();

        await (await host.Client.PutJsonAsync(FieldPath(Alice, "avatar_url"), """{"avatar_url":""}""", aliceToken)).ShouldBeOkJsonAsync();

        (await ProfileAsync(Alice)).TryGetProperty("avatar_url", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Changing_another_users_profile_is_forbidden_and_changes_nothing()
    {
        await (await host.Client.PutJsonAsync(FieldPath(Bob, "displayname"), """{"displayname":"Bob"}""", bobToken)).ShouldBeOkJsonAsync();

        await (await host.Client.PutJsonAsync(FieldPath(Bob, "displayname"), """{"displayname":"Mallory"}""", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.DeleteWithTokenAsync(FieldPath(Bob, "displayname"), aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        (await ProfileAsync(Bob)).GetProperty("displayname").GetString().ShouldBe("Bob");
    }

    [Fact]
    public async Task Writing_needs_an_access_token()
    {
        await (await host.Client.PutJsonAsync(FieldPath(Alice, "displayname"), """{"displayname":"x"}""", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Unknown_and_remote_users_are_not_found_and_invalid_ids_refused()
    {
        await (await host.Client.GetAsync("/_matrix/client/v3/profile/@nobody:example.org")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetAsync("/_matrix/client/v3/profile/@alice:elsewhere.org")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetAsync(FieldPath("@nobody:example.org", "displayname"))).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetAsync("/_matrix/client/v3/profile/alice")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.PutJsonAsync(FieldPath("not-a-user", "displayname"), """{"displayname":"x"}""", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Theory]
    [InlineData("displayname", """{"displayname":42}""", "M_BAD_JSON")]
    [InlineData("displayname", """{"displayname":null}""", "M_BAD_JSON")]
    [InlineData("displayname", """{"other":"x"}""", "M_MISSING_PARAM")]
    [InlineData("displayname", """{"displayname":"x","other":"y"}""", "M_BAD_JSON")]
    [InlineData("avatar_url", """{"avatar_url":"https://example.org/a.png"}""", "M_INVALID_PARAM")]
    [InlineData("avatar_url", """{"avatar_url":"mxc://example.org/"}""", "M_INVALID_PARAM")]
    [InlineData("avatar_url", """{"avatar_url":"mxc://exa mple.org/abc"}""", "M_INVALID_PARAM")]
    [InlineData("avatar_url", """{"avatar_url":["mxc://example.org/abc"]}""", "M_BAD_JSON")]
    [InlineData("m.tz", """{"m.tz":1}""", "M_BAD_JSON")]
    [InlineData("Not.Namespaced", """{"Not.Namespaced":1}""", "M_INVALID_PARAM")]
    [InlineData("nodot", """{"nodot":1}""", "M_INVALID_PARAM")]
    [InlineData("m.custom", """{"m.custom":1}""", "M_INVALID_PARAM")]
    [InlineData("displayname", "[1]", "M_BAD_JSON")]
    [InlineData("displayname", "{not json", "M_NOT_JSON")]
    public async Task A_bad_field_write_is_refused_and_changes_nothing(string key, string body, string errcode)
    {
        var before = (await ProfileAsync(Alice)).GetRawText();

        await (await host.Client.PutJsonAsync(FieldPath(Alice, key), body, aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);

        (await ProfileAsync(Alice)).GetRawText().ShouldBe(before);
    }

    [Fact]
    public async Task Too_long_display_names_and_keys_are_refused()
    {
        var longName = new string('n', 257);
        await (await host.Client.PutJsonAsync(FieldPath(Alice, "displayname"), $$"""{"displayname":"{{longName}}"}""", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        var longKey = "com.example." + new string('k', 250);
        await (await host.Client.PutJsonAsync(FieldPath(Alice, longKey), $$"""{"{{longKey}}":1}""", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_KEY_TOO_LARGE");

        (await ProfileAsync(Alice)).EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task The_profile_stays_under_64_KiB()
    {
        var big = new string('x', 40 * 1024);
        await (await host.Client.PutJsonAsync(FieldPath(Alice, "com.example.one"), $$"""{"com.example.one":"{{big}}"}""", aliceToken)).ShouldBeOkJsonAsync();

        await (await host.Client.PutJsonAsync(FieldPath(Alice, "com.example.two"), $$"""{"com.example.two":"{{big}}"}""", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_PROFILE_TOO_LARGE");

        (await ProfileAsync(Alice)).EnumerateObject().Select(p => p.Name).ShouldBe(["com.example.one"]);
    }
}
