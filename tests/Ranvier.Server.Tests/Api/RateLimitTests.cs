using System.Net;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

public class RateLimitTests
{
    private const string Login = "/_matrix/client/v3/login";

    [Fact]
    public async Task Logins_from_one_address_are_limited_and_recover()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(
            "rate_limits:\n  login_per_ip:\n    per_second: 0.1\n    burst: 2\n", time: time);

        for (var i = 0; i < 2; i++)
        {
            await (await host.Client.PostJsonAsync(Login, LoginBody("nobody" + i))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        }

        var limited = await (await host.Client.PostJsonAsync(Login, LoginBody("nobody"))).ShouldBeMatrixErrorAsync(HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        limited.GetProperty("retry_after_ms").GetInt64().ShouldBe(10_000);

        time.Advance(TimeSpan.FromSeconds(10));
        await (await host.Client.PostJsonAsync(Login, LoginBody("nobody"))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Logins_naming_one_account_are_limited_whatever_the_form_of_its_name()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(
            "server_name: example.org\nrate_limits:\n  login_per_account:\n    per_second: 0.1\n    burst: 2\n", time: time);

        await host.Client.PostJsonAsync(Login, LoginBody("alice"));
        await host.Client.PostJsonAsync(Login, LoginBody("@alice:example.org"));

        await (await host.Client.PostJsonAsync(Login, LoginBody("Alice"))).ShouldBeMatrixErrorAsync(HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        await (await host.Client.PostJsonAsync(Login, LoginBody("bob"))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_limited_registration_creates_nothing()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(
            "server_name: example.org\nregistration:\n  mode: open\nrate_limits:\n  registration_per_ip:\n    per_second: 0.5\n    burst: 1\n", time: time);
        const string body = """{"username":"carol","password":"pw","auth":{"type":"m.login.dummy"}}""";
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register", """{"username":"first","password":"pw","auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();

        var limited = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register", body)).ShouldBeMatrixErrorAsync(HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");

        limited.GetProperty("retry_after_ms").GetInt64().ShouldBe(2000);
        (await host.Services.GetAccountStore().GetUserAsync("@carol:example.org")).ShouldBeNull();
        time.Advance(TimeSpan.FromSeconds(2));
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register", body)).ShouldBeOkJsonAsync();
    }

    private static string LoginBody(string user) =>
        $$"""{"type":"m.login.password","identifier":{"type":"m.id.user","user":"{{user}}"},"password":"wrong"}""";
}
