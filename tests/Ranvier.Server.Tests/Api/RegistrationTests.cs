using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api;

public class RegistrationTests
{
    private const string Open = "server_name: example.org\nregistration:\n  mode: open\n";

    [Fact]
    public async Task The_first_request_gets_the_flows_and_a_session()
    {
        await using var host = await TestHost.StartAsync(Open);

        var response = await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"username":"alice","password":"pw"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("flows")[0].GetProperty("stages")[0].GetString().ShouldBe("m.login.dummy");
        body.GetProperty("session").GetString().ShouldNotBeNullOrEmpty();
        body.GetProperty("completed").GetArrayLength().ShouldBe(0);
        body.TryGetProperty("errcode", out _).ShouldBeFalse();
        (await UserAsync(host, "@alice:example.org")).ShouldBeNull();
    }

    [Fact]
    public async Task Completing_the_dummy_stage_registers_and_logs_in()
    {
        await using var host = await TestHost.StartAsync(Open);
        var session = await SessionAsync(host);

        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            $$$"""{"username":"alice","password":"pw","initial_device_display_name":"Phone","auth":{"type":"m.login.dummy","session":"{{{session}}}"}}"""))
            .ShouldBeOkJsonAsync();

        body.GetProperty("user_id").GetString().ShouldBe("@alice:example.org");
        var token = body.GetProperty("access_token").GetString()!;
        var deviceId = body.GetProperty("device_id").GetString()!;
        var whoami = await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeOkJsonAsync();
        whoami.GetProperty("user_id").GetString().ShouldBe("@alice:example.org");
        whoami.GetProperty("device_id").GetString().ShouldBe(deviceId);
        var stored = await UserAsync(host, "@alice:example.org");
        stored!.PasswordHash.ShouldStartWith("$argon2id$");
    }

    [Fact]
    public async Task Dummy_auth_without_a_session_is_accepted_in_one_request()
    {
        await using var host = await TestHost.StartAsync(Open);

        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            """{"username":"bob","password":"pw","device_id":"BOBPHONE","auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();

        body.GetProperty("device_id").GetString().ShouldBe("BOBPHONE");
    }

    [Fact]
    public async Task Inhibit_login_creates_the_account_without_a_session()
    {
        await using var host = await TestHost.StartAsync(Open);

        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            """{"username":"carol","password":"pw","inhibit_login":true,"auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();

        body.GetProperty("user_id").GetString().ShouldBe("@carol:example.org");
        body.TryGetProperty("access_token", out _).ShouldBeFalse();
        body.TryGetProperty("device_id", out _).ShouldBeFalse();
        (await host.Services.GetAccountStore().ListDevicesAsync("@carol:example.org")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_username_one_is_generated()
    {
        await using var host = await TestHost.StartAsync(Open);

        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"password":"pw","auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();

        body.GetProperty("user_id").GetString()!.ShouldEndWith(":example.org");
    }

    [Fact]
    public async Task A_used_session_cannot_be_replayed()
    {
        await using var host = await TestHost.StartAsync(Open);
        var session = await SessionAsync(host);
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            $$$"""{"username":"dave","password":"pw","auth":{"type":"m.login.dummy","session":"{{{session}}}"}}""")).ShouldBeOkJsonAsync();

        var replay = await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            $$$"""{"username":"dave2","password":"pw","auth":{"type":"m.login.dummy","session":"{{{session}}}"}}""");

        await replay.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
        (await UserAsync(host, "@dave2:example.org")).ShouldBeNull();
    }

    [Fact]
    public async Task A_taken_username_is_M_USER_IN_USE_and_changes_nothing()
    {
        await using var host = await TestHost.StartAsync(Open);
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"username":"erin","password":"one","auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();
        var before = (await UserAsync(host, "@erin:example.org"))!.PasswordHash;

        var again = await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"username":"erin","password":"two","auth":{"type":"m.login.dummy"}}""");

        await again.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_USER_IN_USE");
        (await UserAsync(host, "@erin:example.org"))!.PasswordHash.ShouldBe(before);
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("al ice")]
    [InlineData("alice:other")]
    [InlineData("")]
    public async Task An_invalid_username_is_M_INVALID_USERNAME(string username)
    {
        await using var host = await TestHost.StartAsync(Open);

        var response = await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            JsonSerializer.Serialize(new { username, password = "pw", auth = new { type = "m.login.dummy" } }));

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_USERNAME");
    }

    [Theory]
    [InlineData("""{"username":5,"password":"pw"}""", "M_BAD_JSON")]
    [InlineData("""{"username":"frank","password":["pw"]}""", "M_BAD_JSON")]
    [InlineData("""{"username":"frank","password":"pw","inhibit_login":"yes"}""", "M_BAD_JSON")]
    [InlineData("""{"username":"frank","password":"pw","auth":"dummy"}""", "M_BAD_JSON")]
    [InlineData("""{"username":"frank","auth":{"type":"m.login.dummy"}}""", "M_MISSING_PARAM")]
    [InlineData("""{"username":"frank","password":"pw","device_id":"","auth":{"type":"m.login.dummy"}}""", "M_INVALID_PARAM")]
    [InlineData("""not json""", "M_NOT_JSON")]
    public async Task Malformed_requests_are_refused_and_create_nothing(string json, string errcode)
    {
        await using var host = await TestHost.StartAsync(Open);

        var response = await host.Client.PostJsonAsync("/_matrix/client/v3/register", json);

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
        (await UserAsync(host, "@frank:example.org")).ShouldBeNull();
    }

    [Fact]
    public async Task An_unsupported_stage_keeps_the_session_open_with_an_error()
    {
        await using var host = await TestHost.StartAsync(Open);

        var response = await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"username":"gina","password":"pw","auth":{"type":"m.login.recaptcha"}}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("errcode").GetString().ShouldBe("M_INVALID_PARAM");
        body.GetProperty("flows").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Closed_registration_is_403()
    {
        await using var host = await TestHost.StartAsync();

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"username":"hal","password":"pw","auth":{"type":"m.login.dummy"}}"""))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.GetAsync("/_matrix/client/v3/register/available?username=hal"))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Guest_registration_is_refused_while_guests_are_disabled()
    {
        await using var host = await TestHost.StartAsync(Open);

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register?kind=guest", "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register?kind=robot", "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Available_reports_free_taken_and_invalid_names()
    {
        await using var host = await TestHost.StartAsync(Open);
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"username":"ivy","password":"pw","auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();

        (await (await host.Client.GetAsync("/_matrix/client/v3/register/available?username=jack")).ShouldBeOkJsonAsync())
            .GetProperty("available").GetBoolean().ShouldBeTrue();
        await (await host.Client.GetAsync("/_matrix/client/v3/register/available?username=ivy")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_USER_IN_USE");
        await (await host.Client.GetAsync("/_matrix/client/v3/register/available?username=I%20V")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_USERNAME");
        await (await host.Client.GetAsync("/_matrix/client/v3/register/available")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
    }

    private static async Task<string> SessionAsync(TestHost host)
    {
        var response = await host.Client.PostJsonAsync("/_matrix/client/v3/register", "{}");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("session").GetString()!;
    }

    private static Task<UserRecord?> UserAsync(TestHost host, string userId) => host.Services.GetAccountStore().GetUserAsync(userId);
}
