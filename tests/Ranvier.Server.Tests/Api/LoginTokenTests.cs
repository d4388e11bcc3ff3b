using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

public class LoginTokenTests
{
    private const string Open = "server_name: example.org\nregistration:\n  mode: open\n";
    private const string GetToken = "/_matrix/client/v1/login/get_token";

    [Fact]
    public async Task Get_login_advertises_token_login_with_get_login_token()
    {
        await using var host = await TestHost.StartAsync(Open);

        var flows = (await (await host.Client.GetAsync("/_matrix/client/v3/login")).ShouldBeOkJsonAsync()).GetProperty("flows");

        var token = flows.EnumerateArray().Single(f => f.GetProperty("type").GetString() == "m.login.token");
        token.GetProperty("get_login_token").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_token_needs_the_password_and_logs_in_a_new_device_once()
    {
        await using var host = await TestHost.StartAsync(Open);
        var access = await RegisterAsync(host, "alice");

        var challenge = await host.Client.PostJsonAsync(GetToken, "{}", access);
        challenge.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var session = JsonDocument.Parse(await challenge.Content.ReadAsStringAsync()).RootElement.GetProperty("session").GetString();

        var minted = await (await host.Client.PostJsonAsync(GetToken, PasswordAuth(session, "alice", "pw"), access)).ShouldBeOkJsonAsync();
        var token = minted.GetProperty("login_token").GetString()!;
        minted.GetProperty("expires_in_ms").GetInt64().ShouldBe(120_000);

        var login = await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", TokenLogin(token))).ShouldBeOkJsonAsync();
        login.GetProperty("user_id").GetString().ShouldBe("@alice:example.org");
        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", login.GetProperty("access_token").GetString())).ShouldBeOkJsonAsync();

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", TokenLogin(token))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_wrong_password_mints_nothing()
    {
        await using var host = await TestHost.StartAsync(Open);
        var access = await RegisterAsync(host, "bob");

        var response = await host.Client.PostJsonAsync(GetToken, PasswordAuth(null, "bob", "wrong"), access);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errcode").GetString().ShouldBe("M_FORBIDDEN");
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var clock = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(Open, time: clock);
        var access = await RegisterAsync(host, "carol");
        var token = (await (await host.Client.PostJsonAsync(GetToken, PasswordAuth(null, "carol", "pw"), access)).ShouldBeOkJsonAsync())
            .GetProperty("login_token").GetString()!;

        clock.Advance(TimeSpan.FromMinutes(3));

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", TokenLogin(token))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Theory]
    [InlineData("""{"type":"m.login.token"}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("""{"type":"m.login.token","token":7}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"type":"m.login.token","token":"rvlt_made_up"}""", HttpStatusCode.Forbidden, "M_FORBIDDEN")]
    public async Task Bad_token_logins_get_the_right_error(string json, HttpStatusCode status, string errcode)
    {
        await using var host = await TestHost.StartAsync(Open);

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", json)).ShouldBeMatrixErrorAsync(status, errcode);
    }

    [Fact]
    public async Task Get_token_needs_an_access_token()
    {
        await using var host = await TestHost.StartAsync(Open);

        await (await host.Client.PostJsonAsync(GetToken, "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    private static string PasswordAuth(string? session, string user, string password) => JsonSerializer.Serialize(new
    {
        auth = new Dictionary<string, object?>
        {
            ["type"] = "m.login.password",
            ["session"] = session,
            ["identifier"] = new { type = "m.id.user", user },
            ["password"] = password,
        }.Where(p => p.Value is not null).ToDictionary(),
    });

    private static string TokenLogin(string token) => JsonSerializer.Serialize(new { type = "m.login.token", token });

    private static async Task<string> RegisterAsync(TestHost host, string user) =>
        (await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            JsonSerializer.Serialize(new { username = user, password = "pw", auth = new { type = "m.login.dummy" } }))).ShouldBeOkJsonAsync())
        .GetProperty("access_token").GetString()!;
}
