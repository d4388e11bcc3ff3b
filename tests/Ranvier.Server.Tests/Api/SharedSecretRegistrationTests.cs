using System.Net;
using System.Text.Json;
using Ranvier.Server.Services.Accounts;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

public class SharedSecretRegistrationTests
{
    private const string Secret = "a shared secret of some length";
    private const string Enabled = "server_name: example.org\nregistration:\n  shared_secret: \"" + Secret + "\"\n";
    private const string Path = "/_synapse/admin/v1/register";

    [Fact]
    public async Task Without_a_secret_both_calls_answer_400_like_synapse()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org");

        (await (await host.Client.GetAsync(Path)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN"))
            .GetProperty("error").GetString().ShouldBe("Shared secret registration is not enabled");
        await (await host.Client.PostJsonAsync(Path, "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Fact]
    public async Task A_correct_mac_creates_an_admin_with_a_session()
    {
        await using var host = await TestHost.StartAsync(Enabled);
        var nonce = await NonceAsync(host);

        var body = await (await host.Client.PostJsonAsync(Path, Request(nonce, "root", "pw", admin: true))).ShouldBeOkJsonAsync();

        body.GetProperty("user_id").GetString().ShouldBe("@root:example.org");
        body.GetProperty("home_server").GetString().ShouldBe("example.org");
        var whoami = await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", body.GetProperty("access_token").GetString())).ShouldBeOkJsonAsync();
        whoami.GetProperty("device_id").GetString().ShouldBe(body.GetProperty("device_id").GetString());
        (await host.Services.GetAccountStore().GetUserAsync("@root:example.org"))!.Admin.ShouldBeTrue();
    }

    [Fact]
    public async Task A_notadmin_mac_creates_an_ordinary_user_who_can_log_in()
    {
        await using var host = await TestHost.StartAsync(Enabled);

        await (await host.Client.PostJsonAsync(Path, Request(await NonceAsync(host), "plain", "pw", admin: false))).ShouldBeOkJsonAsync();

        (await host.Services.GetAccountStore().GetUserAsync("@plain:example.org"))!.Admin.ShouldBeFalse();
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login",
            """{"type":"m.login.password","identifier":{"type":"m.id.user","user":"plain"},"password":"pw"}""")).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task A_wrong_mac_is_refused_creates_nothing_and_spends_the_nonce()
    {
        await using var host = await TestHost.StartAsync(Enabled);
        var nonce = await NonceAsync(host);
        // The MAC of a non-admin registration does not authorise an admin one.
        var forged = JsonSerializer.Serialize(new
        {
            nonce,
            username = "root",
            password = "pw",
            admin = true,
            mac = SharedSecretRegistration.ComputeMac(Secret, nonce, "root", "pw", admin: false, null),
        });

        await (await host.Client.PostJsonAsync(Path, forged)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        (await host.Services.GetAccountStore().GetUserAsync("@root:example.org")).ShouldBeNull();
        await (await host.Client.PostJsonAsync(Path, Request(nonce, "root", "pw", admin: true))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Fact]
    public async Task A_nonce_is_single_use_and_expires_after_a_minute()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(Enabled, time: time);
        var used = await NonceAsync(host);
        await (await host.Client.PostJsonAsync(Path, Request(used, "one", "pw", admin: false))).ShouldBeOkJsonAsync();
        var stale = await NonceAsync(host);

        await (await host.Client.PostJsonAsync(Path, Request(used, "two", "pw", admin: false))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
        time.Advance(TimeSpan.FromSeconds(61));
        await (await host.Client.PostJsonAsync(Path, Request(stale, "two", "pw", admin: false))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
        (await host.Services.GetAccountStore().GetUserAsync("@two:example.org")).ShouldBeNull();
    }

    [Fact]
    public async Task Missing_fields_bad_names_and_taken_names_are_refused()
    {
        await using var host = await TestHost.StartAsync(Enabled);
        await (await host.Client.PostJsonAsync(Path, Request(await NonceAsync(host), "taken", "pw", admin: false))).ShouldBeOkJsonAsync();

        await (await host.Client.PostJsonAsync(Path, """{"username":"x"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await (await host.Client.PostJsonAsync(Path, $$"""{"nonce":"{{await NonceAsync(host)}}","username":"x","password":"pw"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await (await host.Client.PostJsonAsync(Path, Request(await NonceAsync(host), "Bad Name", "pw", admin: false))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_USERNAME");
        await (await host.Client.PostJsonAsync(Path, Request(await NonceAsync(host), "taken", "pw", admin: true))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_USER_IN_USE");
        (await host.Services.GetAccountStore().GetUserAsync("@taken:example.org"))!.Admin.ShouldBeFalse();
    }

    private static async Task<string> NonceAsync(TestHost host) =>
        (await (await host.Client.GetAsync(Path)).ShouldBeOkJsonAsync()).GetProperty("nonce").GetString()!;

    private static string Request(string nonce, string username, string password, bool admin) => JsonSerializer.Serialize(new
    {
        nonce,
        username,
        password,
        admin,
        mac = SharedSecretRegistration.ComputeMac(Secret, nonce, username, password, admin, null),
    });
}
