using System.Net;
using Ranvier.Protocol.Crypto;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;
using static Ranvier.Server.Tests.Api.AccountTestClient;

namespace Ranvier.Server.Tests.Api;

public class AccountManagementTests
{
    private const string Password = "/_matrix/client/v3/account/password";
    private const string Deactivate = "/_matrix/client/v3/account/deactivate";

    [Fact]
    public async Task Changing_the_password_logs_out_other_devices_and_keeps_this_one()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "old");
        var (otherToken, _) = await LoginAsync(host, "alice", "old");

        await (await host.Client.PostJsonAsync(Password, """{"new_password":"new"}""", token)).ShouldBeUiaChallengeAsync();
        await (await host.Client.PostJsonAsync(Password, $"{{\"new_password\":\"new\",\"auth\":{PasswordAuth("alice", "old")}}}", token)).ShouldBeOkJsonAsync();

        (await TokenWorksAsync(host, token)).ShouldBeTrue();
        (await TokenWorksAsync(host, otherToken)).ShouldBeFalse();
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", LoginJson("alice", "old"))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await LoginAsync(host, "alice", "new");
    }

    [Fact]
    public async Task Changing_the_password_without_logout_keeps_every_device()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "old");
        var (otherToken, _) = await LoginAsync(host, "alice", "old");

        await (await host.Client.PostJsonAsync(Password, $"{{\"new_password\":\"new\",\"logout_devices\":false,\"auth\":{PasswordAuth("alice", "old")}}}", token)).ShouldBeOkJsonAsync();

        (await TokenWorksAsync(host, otherToken)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"},"password":"old"}}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("""{"new_password":7}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"new_password":"new","logout_devices":"yes"}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"new_password":"new","auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"},"password":"wrong"}}""", HttpStatusCode.Unauthorized, "M_FORBIDDEN")]
    [InlineData("""{"new_password":"new","auth":{"type":"m.login.password","identifier":{"type":"m.id.thirdparty","medium":"email","address":"a@b.c"},"password":"old"}}""", HttpStatusCode.Unauthorized, "M_UNKNOWN")]
    [InlineData("""{"new_password":"new","auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"}}}""", HttpStatusCode.Unauthorized, "M_MISSING_PARAM")]
    public async Task A_failed_password_change_changes_nothing(string json, HttpStatusCode status, string errcode)
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "old");
        var (otherToken, _) = await LoginAsync(host, "alice", "old");

        await (await host.Client.PostJsonAsync(Password, json, token)).ShouldBeMatrixErrorAsync(status, errcode);

        (await TokenWorksAsync(host, otherToken)).ShouldBeTrue();
        await LoginAsync(host, "alice", "old");
    }

    [Fact]
    public async Task Deactivation_removes_every_session_and_login_fails_afterwards()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "pw");
        var (otherToken, _) = await LoginAsync(host, "alice", "pw");

        var body = await (await host.Client.PostJsonAsync(Deactivate, $"{{\"erase\":true,\"auth\":{PasswordAuth("alice", "pw")}}}", token)).ShouldBeOkJsonAsync();

        body.GetProperty("id_server_unbind_result").GetString().ShouldBe("success");
        (await TokenWorksAsync(host, token)).ShouldBeFalse();
        (await TokenWorksAsync(host, otherToken)).ShouldBeFalse();
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", LoginJson("alice", "pw"))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        var user = await host.Services.GetAccountStore().GetUserAsync("@alice:example.org");
        user.ShouldNotBeNull();
        user.Deactivated.ShouldBeTrue();
        user.PasswordHash.ShouldBeNull();
        // The ID stays taken.
        await (await host.Client.GetAsync("/_matrix/client/v3/register/available?username=alice")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_USER_IN_USE");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Erase_removes_the_profile_only_when_asked(bool erase)
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "pw");

        await (await host.Client.PostJsonAsync(Deactivate, $"{{\"erase\":{(erase ? "true" : "false")},\"auth\":{PasswordAuth("alice", "pw")}}}", token)).ShouldBeOkJsonAsync();

        var profile = await host.Client.GetAsync("/_matrix/client/v3/profile/@alice:example.org/displayname");
        if (erase)
        {
            await profile.ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        }
        else
        {
            (await profile.ShouldBeOkJsonAsync()).GetProperty("displayname").GetString().ShouldBe("alice");
        }
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.Unauthorized, null)]
    [InlineData("""{"erase":"yes"}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"},"password":"wrong"}}""", HttpStatusCode.Unauthorized, "M_FORBIDDEN")]
    [InlineData("""{"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"bob"},"password":"bobpw"}}""", HttpStatusCode.Unauthorized, "M_FORBIDDEN")]
    [InlineData("not json", HttpStatusCode.BadRequest, "M_NOT_JSON")]
    public async Task A_failed_deactivation_changes_nothing(string json, HttpStatusCode status, string? errcode)
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "pw");
        await RegisterAsync(host, "bob", "bobpw");

        var response = await host.Client.PostJsonAsync(Deactivate, json, token);

        if (errcode is null)
        {
            await response.ShouldBeUiaChallengeAsync();
        }
        else
        {
            await response.ShouldBeMatrixErrorAsync(status, errcode);
        }

        (await TokenWorksAsync(host, token)).ShouldBeTrue();
        (await host.Services.GetAccountStore().GetUserAsync("@alice:example.org"))!.Deactivated.ShouldBeFalse();
    }

    [Fact]
    public async Task Password_guesses_through_uia_share_the_login_limit_of_the_account()
    {
        var time = new ManualTimeProvider();
        await using var host = await TestHost.StartAsync(
            Open + "rate_limits:\n  login_per_account:\n    per_second: 0.1\n    burst: 2\n", time: time);
        var token = await host.CreateUserWithTokenAsync("alice");
        var guess = $"{{\"new_password\":\"new\",\"auth\":{PasswordAuth("alice", "guess")}}}";

        await (await host.Client.PostJsonAsync(Password, guess, token)).ShouldBeUiaChallengeAsync("M_FORBIDDEN");
        await (await host.Client.PostJsonAsync(Password, guess, token)).ShouldBeUiaChallengeAsync("M_FORBIDDEN");

        await (await host.Client.PostJsonAsync(Password, guess, token)).ShouldBeMatrixErrorAsync(HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", LoginJson("alice", "guess"))).ShouldBeMatrixErrorAsync(HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task A_bcrypt_hash_from_synapse_logs_in_and_is_replaced_by_argon2id()
    {
        await using var host = await TestHost.StartAsync(Open);
        // Published vector: "abc" under $2a$06$; Synapse's own $2b$ strings take the same path.
        await host.Services.GetAccountStore().CreateUserAsync(
            new UserRecord("@imported:example.org", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i", AccountKind.User, 1));

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", LoginJson("imported", "abd"))).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await host.Services.GetAccountStore().GetUserAsync("@imported:example.org"))!.PasswordHash!.ShouldStartWith("$2a$");

        await LoginAsync(host, "imported", "abc");

        var hash = (await host.Services.GetAccountStore().GetUserAsync("@imported:example.org"))!.PasswordHash!;
        hash.ShouldStartWith(Argon2id.Prefix);
        Argon2id.NeedsRehash(hash, host.Options.PasswordHashCost).ShouldBeFalse();
        await LoginAsync(host, "imported", "abc");
    }

    [Fact]
    public async Task A_bcrypt_hash_also_passes_the_uia_password_stage()
    {
        await using var host = await TestHost.StartAsync(Open);
        var token = await host.CreateUserWithTokenAsync("imported");
        await host.Services.GetAccountStore().SetPasswordHashAsync("@imported:example.org", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i");

        await (await host.Client.PostJsonAsync(Password, $"{{\"new_password\":\"new\",\"auth\":{PasswordAuth("imported", "abc")}}}", token)).ShouldBeOkJsonAsync();

        await LoginAsync(host, "imported", "new");
    }

    [Fact]
    public async Task An_argon2id_hash_of_another_cost_is_rehashed_at_login()
    {
        await using var host = await TestHost.StartAsync(Open);
        var oldHash = Argon2id.Hash("pw", new PasswordHashCost(2, 64));
        await host.Services.GetAccountStore().CreateUserAsync(new UserRecord("@old:example.org", oldHash, AccountKind.User, 1));

        await LoginAsync(host, "old", "pw");

        var hash = (await host.Services.GetAccountStore().GetUserAsync("@old:example.org"))!.PasswordHash!;
        hash.ShouldNotBe(oldHash);
        Argon2id.NeedsRehash(hash, host.Options.PasswordHashCost).ShouldBeFalse();
    }
}
