using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api;

public class GuestUpgradeTests
{
    private const string Config = "server_name: example.org\nregistration:\n  mode: open\n  allow_guests: true\n";
    private const string Register = "/_matrix/client/v3/register";

    [Fact]
    public async Task A_guest_becomes_a_full_account_under_the_same_id()
    {
        await using var host = await TestHost.StartAsync(Config);
        var (guestToken, userId) = await RegisterGuestAsync(host);
        var localpart = userId[1..userId.IndexOf(':', StringComparison.Ordinal)];

        var upgraded = await (await host.Client.PostJsonAsync(Register, JsonSerializer.Serialize(new
        {
            username = localpart,
            password = "now-a-member",
            guest_access_token = guestToken,
            auth = new { type = "m.login.dummy" },
        }))).ShouldBeOkJsonAsync();

        upgraded.GetProperty("user_id").GetString().ShouldBe(userId);
        foreach (var token in new[] { upgraded.GetProperty("access_token").GetString(), guestToken })
        {
            var me = await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeOkJsonAsync();
            me.GetProperty("user_id").GetString().ShouldBe(userId);
            me.GetProperty("is_guest").GetBoolean().ShouldBeFalse();
        }

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", JsonSerializer.Serialize(new
        {
            type = "m.login.password",
            identifier = new { type = "m.id.user", user = localpart },
            password = "now-a-member",
        }))).ShouldBeOkJsonAsync();
    }

    [Theory]
    [InlineData("someone-else", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData(null, HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    public async Task The_username_must_be_the_guests_own(string? username, HttpStatusCode status, string errcode)
    {
        await using var host = await TestHost.StartAsync(Config);
        var (guestToken, userId) = await RegisterGuestAsync(host);

        var response = await host.Client.PostJsonAsync(Register, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["username"] = username,
            ["password"] = "pw",
            ["guest_access_token"] = guestToken,
            ["auth"] = new { type = "m.login.dummy" },
        }.Where(p => p.Value is not null).ToDictionary()));

        await response.ShouldBeMatrixErrorAsync(status, errcode);
        (await host.Services.GetAccountStore().GetUserAsync(userId))!.Kind.ShouldBe(AccountKind.Guest);
    }

    [Fact]
    public async Task A_token_that_is_not_a_guests_cannot_upgrade()
    {
        await using var host = await TestHost.StartAsync(Config);
        var full = await (await host.Client.PostJsonAsync(Register, """{"username":"member","password":"pw","auth":{"type":"m.login.dummy"}}""")).ShouldBeOkJsonAsync();

        var response = await host.Client.PostJsonAsync(Register, JsonSerializer.Serialize(new
        {
            username = "member",
            password = "other",
            guest_access_token = full.GetProperty("access_token").GetString(),
            auth = new { type = "m.login.dummy" },
        }));

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PostJsonAsync(Register, """{"username":"x","password":"pw","guest_access_token":"rvat_nope","auth":{"type":"m.login.dummy"}}"""))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    private static async Task<(string Token, string UserId)> RegisterGuestAsync(TestHost host)
    {
        var body = await (await host.Client.PostJsonAsync(Register + "?kind=guest", "{}")).ShouldBeOkJsonAsync();
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("user_id").GetString()!);
    }
}
