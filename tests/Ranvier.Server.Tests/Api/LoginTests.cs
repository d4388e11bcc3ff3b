using System.Net;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

public class LoginTests
{
    private const string Open = "server_name: example.org\nregistration:\n  mode: open\n";

    [Fact]
    public async Task Get_login_offers_password_login()
    {
        await using var host = await TestHost.StartAsync(Open);

        var body = await (await host.Client.GetAsync("/_matrix/client/v3/login")).ShouldBeOkJsonAsync();

        body.GetProperty("flows").EnumerateArray().Select(f => f.GetProperty("type").GetString()).ShouldContain("m.login.password");
    }

    [Theory]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"},"password":"secret"}""")]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"@alice:example.org"},"password":"secret"}""")]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"ALICE"},"password":"secret"}""")]
    [InlineData("""{"type":"m.login.password","user":"alice","password":"secret"}""")]
    public async Task Password_login_gives_a_working_token_on_a_new_device(string json)
    {
        await using var host = await TestHost.StartAsync(Open);
        await RegisterAsync(host, "alice", "secret");

        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", json)).ShouldBeOkJsonAsync();

        body.GetProperty("user_id").GetString().ShouldBe("@alice:example.org");
        var token = body.GetProperty("access_token").GetString();
        var whoami = await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeOkJsonAsync();
        whoami.GetProperty("device_id").GetString().ShouldBe(body.GetProperty("device_id").GetString());
        (await host.Services.GetAccountStore().ListDevicesAsync("@alice:example.org")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Login_with_a_known_device_id_reuses_the_device()
    {
        await using var host = await TestHost.StartAsync(Open);
        await RegisterAsync(host, "bob", "secret", deviceId: "BOBDEV");

        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/login",
            """{"type":"m.login.password","identifier":{"type":"m.id.user","user":"bob"},"password":"secret","device_id":"BOBDEV"}""")).ShouldBeOkJsonAsync();

        body.GetProperty("device_id").GetString().ShouldBe("BOBDEV");
        (await host.Services.GetAccountStore().ListDevicesAsync("@bob:example.org")).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"carol"},"password":"wrong"}""")]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"nobody"},"password":"secret"}""")]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"@carol:elsewhere.org"},"password":"secret"}""")]
    public async Task Wrong_credentials_are_403_and_create_no_device(string json)
    {
        await using var host = await TestHost.StartAsync(Open);
        await RegisterAsync(host, "carol", "secret");

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", json)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        (await host.Services.GetAccountStore().ListDevicesAsync("@carol:example.org")).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"identifier":{"type":"m.id.user","user":"dan"},"password":"pw"}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("""{"type":"m.login.sso"}""", HttpStatusCode.BadRequest, "M_UNKNOWN")]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.thirdparty","medium":"email","address":"a@b.c"},"password":"pw"}""", HttpStatusCode.BadRequest, "M_UNKNOWN")]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"dan"}}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"dan"},"password":1}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"type":"m.login.password","password":"pw"}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("""[]""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    public async Task Malformed_logins_get_the_right_error(string json, HttpStatusCode status, string errcode)
    {
        await using var host = await TestHost.StartAsync(Open);

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", json)).ShouldBeMatrixErrorAsync(status, errcode);
    }

    [Fact]
    public async Task Logout_revokes_the_token_and_deletes_the_device()
    {
        await using var host = await TestHost.StartAsync(Open);
        var token = await RegisterAsync(host, "erin", "secret");
        var other = await LoginAsync(host, "erin", "secret");

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout", "{}", token)).ShouldBeOkJsonAsync();

        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", other)).ShouldBeOkJsonAsync();
        (await host.Services.GetAccountStore().ListDevicesAsync("@erin:example.org")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Logout_all_revokes_every_token()
    {
        await using var host = await TestHost.StartAsync(Open);
        var token = await RegisterAsync(host, "fay", "secret");
        var other = await LoginAsync(host, "fay", "secret");

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout/all", "{}", token)).ShouldBeOkJsonAsync();

        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", other)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
    }

    [Fact]
    public async Task Logout_needs_a_token()
    {
        await using var host = await TestHost.StartAsync(Open);

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout", "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    private static async Task<string> RegisterAsync(TestHost host, string user, string password, string? deviceId = null)
    {
        var device = deviceId is null ? "" : $",\"device_id\":\"{deviceId}\"";
        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            $"{{\"username\":\"{user}\",\"password\":\"{password}\"{device},\"auth\":{{\"type\":\"m.login.dummy\"}}}}")).ShouldBeOkJsonAsync();
        return body.GetProperty("access_token").GetString()!;
    }

    private static async Task<string> LoginAsync(TestHost host, string user, string password)
    {
        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/login",
            $"{{\"type\":\"m.login.password\",\"identifier\":{{\"type\":\"m.id.user\",\"user\":\"{user}\"}},\"password\":\"{password}\"}}")).ShouldBeOkJsonAsync();
        return body.GetProperty("access_token").GetString()!;
    }
}
