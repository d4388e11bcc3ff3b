using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api;

public class GuestAccessTests
{
    private const string GuestRegister = "/_matrix/client/v3/register?kind=guest";

    [Fact]
    public async Task Guest_registration_is_refused_unless_allowed()
    {
        await using var host = await TestHost.StartAsync("registration:\n  mode: open\n");

        await (await host.Client.PostJsonAsync(GuestRegister, "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_guest_gets_a_numeric_account_without_password_and_whoami_says_guest()
    {
        // Guests do not need registration to be open.
        await using var host = await TestHost.StartAsync("server_name: example.org\nregistration:\n  allow_guests: true\n");

        var body = await (await host.Client.PostJsonAsync(GuestRegister, """{"initial_device_display_name":"Browser","username":"ignored","password":"ignored"}""")).ShouldBeOkJsonAsync();

        var userId = body.GetProperty("user_id").GetString()!;
        userId.ShouldMatch("^@[0-9]+:example.org$");
        var token = body.GetProperty("access_token").GetString()!;
        var whoami = await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeOkJsonAsync();
        whoami.GetProperty("is_guest").GetBoolean().ShouldBeTrue();
        whoami.GetProperty("device_id").GetString().ShouldBe(body.GetProperty("device_id").GetString());
        var stored = await host.Services.GetAccountStore().GetUserAsync(userId);
        stored!.Kind.ShouldBe(AccountKind.Guest);
        stored.PasswordHash.ShouldBeNull();
        (await host.Services.GetAccountStore().GetUserAsync("@ignored:example.org")).ShouldBeNull();
    }

    [Fact]
    public async Task A_guest_is_refused_on_endpoints_not_open_to_guests_and_nothing_changes()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org");
        var token = await host.CreateUserWithTokenAsync("guest1", AccountKind.Guest);

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout", "{}", token)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");

        (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Guest_registration_rejects_a_bad_body_or_kind()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org\nregistration:\n  allow_guests: true\n");

        await (await host.Client.PostJsonAsync(GuestRegister, """{"initial_device_display_name":5}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/register?kind=robot", "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }
}
