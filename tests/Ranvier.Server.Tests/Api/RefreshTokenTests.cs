using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

public class RefreshTokenTests
{
    private const string Open = "server_name: example.org\nregistration:\n  mode: open\nrefresh_tokens:\n  access_token_lifetime_seconds: 600\n";

    [Fact]
    public async Task Asking_for_a_refresh_token_gives_an_expiring_access_token()
    {
        await using var host = await TestHost.StartAsync(Open);

        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            """{"username":"alice","password":"pw","refresh_token":true,"auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();

        body.GetProperty("refresh_token").GetString().ShouldStartWith("rvrt_");
        body.GetProperty("expires_in_ms").GetInt64().ShouldBe(600_000);
    }

    [Fact]
    public async Task Without_asking_there_is_no_refresh_token_and_no_expiry()
    {
        await using var host = await TestHost.StartAsync(Open);
        await RegisterAsync(host, "bob", refresh: false);

        var login = await LoginAsync(host, "bob", refresh: false);

        login.TryGetProperty("refresh_token", out _).ShouldBeFalse();
        login.TryGetProperty("expires_in_ms", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Refresh_gives_new_tokens_and_ends_the_old_access_token()
    {
        await using var host = await TestHost.StartAsync(Open);
        await RegisterAsync(host, "carol", refresh: false);
        var login = await LoginAsync(host, "carol", refresh: true);
        var oldAccess = login.GetProperty("access_token").GetString()!;

        var refreshed = await RefreshAsync(host, login.GetProperty("refresh_token").GetString()!);

        var newAccess = refreshed.GetProperty("access_token").GetString()!;
        newAccess.ShouldNotBe(oldAccess);
        refreshed.GetProperty("refresh_token").GetString().ShouldNotBe(login.GetProperty("refresh_token").GetString());
        refreshed.GetProperty("expires_in_ms").GetInt64().ShouldBe(600_000);
        var me = await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", newAccess)).ShouldBeOkJsonAsync();
        me.GetProperty("device_id").GetString().ShouldBe(login.GetProperty("device_id").GetString());
        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", oldAccess)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
    }

    [Fact]
    public async Task The_old_refresh_token_works_until_the_new_session_is_used()
    {
        await using var host = await TestHost.StartAsync(Open);
        await RegisterAsync(host, "dave", refresh: false);
        var oldRefresh = (await LoginAsync(host, "dave", refresh: true)).GetProperty("refresh_token").GetString()!;

        // The first answer is "lost": the client retries with the same refresh token, which must still work.
        _ = await RefreshAsync(host, oldRefresh);
        var retried = await RefreshAsync(host, oldRefresh);
        var newAccess = retried.GetProperty("access_token").GetString()!;

        // Using the new access token revokes the old refresh token.
        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", newAccess)).ShouldBeOkJsonAsync();
        var refused = await host.Client.PostJsonAsync("/_matrix/client/v3/refresh", JsonSerializer.Serialize(new { refresh_token = oldRefresh }));
        var error = await refused.ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        error.GetProperty("soft_logout").GetBoolean().ShouldBeTrue();

        // The new refresh token carries on.
        _ = await RefreshAsync(host, retried.GetProperty("refresh_token").GetString()!);
    }

    [Fact]
    public async Task A_superseded_retry_answer_is_revoked()
    {
        await using var host = await TestHost.StartAsync(Open);
        await RegisterAsync(host, "erin", refresh: false);
        var oldRefresh = (await LoginAsync(host, "erin", refresh: true)).GetProperty("refresh_token").GetString()!;

        var lost = await RefreshAsync(host, oldRefresh);
        _ = await RefreshAsync(host, oldRefresh);

        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", lost.GetProperty("access_token").GetString()))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token()
    {
        await using var host = await TestHost.StartAsync(Open);
        await RegisterAsync(host, "fay", refresh: false);
        var login = await LoginAsync(host, "fay", refresh: true);

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout", "{}", login.GetProperty("access_token").GetString())).ShouldBeOkJsonAsync();

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/refresh", JsonSerializer.Serialize(new { refresh_token = login.GetProperty("refresh_token").GetString() })))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
    }

    [Theory]
    [InlineData("""{"refresh_token":"rvrt_unknown"}""", HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN")]
    [InlineData("""{}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("""{"refresh_token":42}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""nope""", HttpStatusCode.BadRequest, "M_NOT_JSON")]
    public async Task Bad_refresh_requests_get_the_right_error(string json, HttpStatusCode status, string errcode)
    {
        await using var host = await TestHost.StartAsync(Open);

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/refresh", json)).ShouldBeMatrixErrorAsync(status, errcode);
    }

    private static async Task RegisterAsync(TestHost host, string user, bool refresh) =>
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            JsonSerializer.Serialize(new { username = user, password = "pw", refresh_token = refresh, auth = new { type = "m.login.dummy" } }))).ShouldBeOkJsonAsync();

    private static async Task<JsonElement> LoginAsync(TestHost host, string user, bool refresh) =>
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login",
            JsonSerializer.Serialize(new { type = "m.login.password", identifier = new { type = "m.id.user", user }, password = "pw", refresh_token = refresh }))).ShouldBeOkJsonAsync();

    private static async Task<JsonElement> RefreshAsync(TestHost host, string refreshToken) =>
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/refresh", JsonSerializer.Serialize(new { refresh_token = refreshToken }))).ShouldBeOkJsonAsync();
}
