using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

public class RegistrationTokenTests
{
    private const string TokenMode = "server_name: example.org\nregistration:\n  mode: token\n";
    private const string Register = "/_matrix/client/v3/register";
    private const string Validity = "/_matrix/client/v1/register/m.login.registration_token/validity?token=";
    private const string Admin = "/_synapse/admin/v1/registration_tokens";

    [Fact]
    public async Task Token_mode_offers_only_the_token_stage()
    {
        await using var host = await TestHost.StartAsync(TokenMode);

        var response = await host.Client.PostJsonAsync(Register, """{"username":"alice","password":"pw"}""");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var body = await JsonAsync(response);
        body.GetProperty("flows").GetArrayLength().ShouldBe(1);
        body.GetProperty("flows")[0].GetProperty("stages")[0].GetString().ShouldBe("m.login.registration_token");

        // The dummy stage is not a way around the token.
        var dummy = await host.Client.PostJsonAsync(Register, """{"username":"alice","password":"pw","auth":{"type":"m.login.dummy"}}""");
        dummy.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await JsonAsync(dummy)).GetProperty("errcode").GetString().ShouldBe("M_INVALID_PARAM");
        (await host.Services.GetAccountStore().GetUserAsync("@alice:example.org")).ShouldBeNull();
    }

    [Fact]
    public async Task A_valid_token_registers_and_is_counted_pending_then_completed()
    {
        await using var host = await TestHost.StartAsync(TokenMode);
        var admin = await host.CreateUserWithTokenAsync("admin", admin: true);
        await CreateTokenAsync(host, admin, """{"token":"abc","uses_allowed":5}""");
        var session = await SessionAsync(host);

        // A wrong token keeps the stage incomplete, with the session still usable.
        var wrong = await host.Client.PostJsonAsync(Register, StageBody("alice", "nope", session));
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await JsonAsync(wrong)).GetProperty("errcode").GetString().ShouldBe("M_UNAUTHORIZED");

        // A taken name is refused before any stage runs; the session goes on.
        await host.CreateUserWithTokenAsync("taken");
        await (await host.Client.PostJsonAsync(Register, StageBody("taken", "abc", session))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_USER_IN_USE");
        var first = await host.Client.PostJsonAsync(Register, StageBody(null, "abc", session, username: "alice2"));
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());

        var stored = await TokenAsync(host, admin, "abc");
        stored.GetProperty("pending").GetInt32().ShouldBe(0);
        stored.GetProperty("completed").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task A_pending_use_counts_against_the_limit_until_its_session_expires()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(TokenMode, time: time);
        var admin = await host.CreateUserWithTokenAsync("admin", admin: true);
        await CreateTokenAsync(host, admin, """{"token":"once","uses_allowed":1}""");

        // One session takes the only use but does not finish (no password yet).
        var holder = await SessionAsync(host);
        var held = await host.Client.PostJsonAsync(Register, $$$"""{"username":"bob","auth":{"type":"m.login.registration_token","token":"once","session":"{{{holder}}}"}}""");
        await held.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        (await TokenAsync(host, admin, "once")).GetProperty("pending").GetInt32().ShouldBe(1);
        (await (await host.Client.GetAsync(Validity + "once")).ShouldBeOkJsonAsync()).GetProperty("valid").GetBoolean().ShouldBeFalse();

        var other = await SessionAsync(host);
        var refused = await host.Client.PostJsonAsync(Register, StageBody("carol", "once", other));
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        time.Advance(TimeSpan.FromMinutes(16));
        var fresh = await SessionAsync(host);
        (await TokenAsync(host, admin, "once")).GetProperty("pending").GetInt32().ShouldBe(0);
        await (await host.Client.PostJsonAsync(Register, StageBody("carol", "once", fresh))).ShouldBeOkJsonAsync();
        (await TokenAsync(host, admin, "once")).GetProperty("completed").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Validity_reports_known_unexpired_tokens_and_checks_its_input()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(TokenMode, time: time);
        var admin = await host.CreateUserWithTokenAsync("admin", admin: true);
        var expiry = time.GetUtcNow().ToUnixTimeMilliseconds() + 60_000;
        await CreateTokenAsync(host, admin, $$"""{"token":"soon","expiry_time":{{expiry}}}""");

        (await (await host.Client.GetAsync(Validity + "soon")).ShouldBeOkJsonAsync()).GetProperty("valid").GetBoolean().ShouldBeTrue();
        (await (await host.Client.GetAsync(Validity + "unknown")).ShouldBeOkJsonAsync()).GetProperty("valid").GetBoolean().ShouldBeFalse();
        time.Advance(TimeSpan.FromMinutes(1));
        (await (await host.Client.GetAsync(Validity + "soon")).ShouldBeOkJsonAsync()).GetProperty("valid").GetBoolean().ShouldBeFalse();

        await (await host.Client.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await (await host.Client.GetAsync(Validity + "has%20space")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Validity_is_forbidden_when_registration_is_closed()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org");

        await (await host.Client.GetAsync(Validity + "abc")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task The_admin_api_needs_an_admin()
    {
        await using var host = await TestHost.StartAsync(TokenMode);
        var user = await host.CreateUserWithTokenAsync("user");

        await (await host.Client.GetWithTokenAsync(Admin, user)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PostJsonAsync(Admin + "/new", "{}", user)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.GetWithTokenAsync(Admin, null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        (await ListAsync(host, await host.CreateUserWithTokenAsync("admin", admin: true), "")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Admins_create_list_update_and_delete_tokens()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(TokenMode, time: time);
        var admin = await host.CreateUserWithTokenAsync("admin", admin: true);

        var generated = await CreateTokenAsync(host, admin, """{"length":24,"uses_allowed":0}""");
        generated.GetProperty("token").GetString()!.Length.ShouldBe(24);
        generated.GetProperty("uses_allowed").GetInt32().ShouldBe(0);
        var unlimited = await CreateTokenAsync(host, admin, "{}");
        unlimited.GetProperty("token").GetString()!.Length.ShouldBe(16);
        unlimited.GetProperty("uses_allowed").ValueKind.ShouldBe(JsonValueKind.Null);
        unlimited.GetProperty("expiry_time").ValueKind.ShouldBe(JsonValueKind.Null);

        (await ListAsync(host, admin, "")).GetArrayLength().ShouldBe(2);
        (await ListAsync(host, admin, "?valid=true"))[0].GetProperty("token").GetString().ShouldBe(unlimited.GetProperty("token").GetString());
        (await ListAsync(host, admin, "?valid=false"))[0].GetProperty("token").GetString().ShouldBe(generated.GetProperty("token").GetString());

        var path = Admin + "/" + generated.GetProperty("token").GetString();
        var updated = await (await SendAsync(host, HttpMethod.Put, path, """{"uses_allowed":null}""", admin)).ShouldBeOkJsonAsync();
        updated.GetProperty("uses_allowed").ValueKind.ShouldBe(JsonValueKind.Null);
        (await ListAsync(host, admin, "?valid=true")).GetArrayLength().ShouldBe(2);

        await (await SendAsync(host, HttpMethod.Delete, path, null, admin)).ShouldBeOkJsonAsync();
        await (await host.Client.GetWithTokenAsync(path, admin)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await SendAsync(host, HttpMethod.Delete, path, null, admin)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await SendAsync(host, HttpMethod.Put, path, "{}", admin)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("""{"token":"abc","length":5}""")]
    [InlineData("""{"token":"has space"}""")]
    [InlineData("""{"length":65}""")]
    [InlineData("""{"length":0}""")]
    [InlineData("""{"uses_allowed":-1}""")]
    [InlineData("""{"uses_allowed":"5"}""")]
    [InlineData("""{"uses_allowed":1.5}""")]
    [InlineData("""{"expiry_time":1000}""")]
    [InlineData("""{"token":"dup"}""")]
    public async Task A_bad_new_token_request_is_refused_and_creates_nothing(string body)
    {
        await using var host = await TestHost.StartAsync(TokenMode);
        var admin = await host.CreateUserWithTokenAsync("admin", admin: true);
        await CreateTokenAsync(host, admin, """{"token":"dup","uses_allowed":3}""");

        await (await host.Client.PostJsonAsync(Admin + "/new", body, admin)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        var all = await ListAsync(host, admin, "");
        all.GetArrayLength().ShouldBe(1);
        all[0].GetProperty("uses_allowed").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task A_bad_update_changes_nothing()
    {
        await using var host = await TestHost.StartAsync(TokenMode);
        var admin = await host.CreateUserWithTokenAsync("admin", admin: true);
        await CreateTokenAsync(host, admin, """{"token":"keep","uses_allowed":3}""");

        await (await SendAsync(host, HttpMethod.Put, Admin + "/keep", """{"uses_allowed":1,"expiry_time":5}""", admin)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.GetWithTokenAsync(Admin + "?valid=maybe", admin)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        (await TokenAsync(host, admin, "keep")).GetProperty("uses_allowed").GetInt32().ShouldBe(3);
    }

    private static async Task<string> SessionAsync(TestHost host) =>
        (await JsonAsync(await host.Client.PostJsonAsync(Register, "{}"))).GetProperty("session").GetString()!;

    private static string StageBody(string? localpart, string token, string session, string? username = null) => JsonSerializer.Serialize(new
    {
        username = username ?? localpart,
        password = "pw",
        auth = new Dictionary<string, string> { ["type"] = "m.login.registration_token", ["token"] = token, ["session"] = session },
    });

    private static async Task<JsonElement> CreateTokenAsync(TestHost host, string admin, string body) =>
        await (await host.Client.PostJsonAsync(Admin + "/new", body, admin)).ShouldBeOkJsonAsync();

    private static async Task<JsonElement> TokenAsync(TestHost host, string admin, string token) =>
        await (await host.Client.GetWithTokenAsync(Admin + "/" + token, admin)).ShouldBeOkJsonAsync();

    private static async Task<JsonElement> ListAsync(TestHost host, string admin, string query) =>
        (await (await host.Client.GetWithTokenAsync(Admin + query, admin)).ShouldBeOkJsonAsync()).GetProperty("registration_tokens");

    private static Task<HttpResponseMessage> SendAsync(TestHost host, HttpMethod method, string path, string? json, string token)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return host.Client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
