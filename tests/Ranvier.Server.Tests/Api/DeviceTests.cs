using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Api.AccountTestClient;

namespace Ranvier.Server.Tests.Api;

public class DeviceTests
{
    private const string Devices = "/_matrix/client/v3/devices";

    [Fact]
    public async Task Devices_are_listed_with_their_metadata()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, first) = await RegisterAsync(host, "alice", "pw");
        var (_, second) = await LoginAsync(host, "alice", "pw");
        // A first request records activity; what the store then holds is what the listing must show.
        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeOkJsonAsync();
        await host.Services.GetAccountStore().UpdateDeviceLastSeenAsync("@alice:example.org", first, "192.0.2.1", 1234);

        var body = await (await host.Client.GetWithTokenAsync(Devices, token)).ShouldBeOkJsonAsync();

        var devices = body.GetProperty("devices").EnumerateArray().ToList();
        devices.Select(d => d.GetProperty("device_id").GetString()).Order().ShouldBe(new[] { first, second }.Order());
        var mine = devices.Single(d => d.GetProperty("device_id").GetString() == first);
        mine.GetProperty("last_seen_ip").GetString().ShouldBe("192.0.2.1");
        mine.GetProperty("last_seen_ts").GetInt64().ShouldBe(1234);
        // Unknown values are null, not absent (matrix-nio requires the keys).
        var other = devices.Single(d => d.GetProperty("device_id").GetString() == second);
        other.GetProperty("display_name").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        other.GetProperty("last_seen_ip").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task A_request_records_when_the_device_was_last_seen_but_not_on_every_request()
    {
        await using var host = await TestHost.StartAsync(Open);
        var token = await host.CreateUserWithTokenAsync("alice");
        var store = host.Services.GetAccountStore();
        (await store.GetDeviceAsync("@alice:example.org", "DEVICEALICE"))!.LastSeenTs.ShouldBeNull();

        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeOkJsonAsync();
        var seen = (await store.GetDeviceAsync("@alice:example.org", "DEVICEALICE"))!.LastSeenTs;
        seen.ShouldNotBeNull();
        seen.Value.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // Within the interval, from the same address, a second request does not write again.
        await store.UpdateDeviceLastSeenAsync("@alice:example.org", "DEVICEALICE", null, 1);
        await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).ShouldBeOkJsonAsync();
        (await store.GetDeviceAsync("@alice:example.org", "DEVICEALICE"))!.LastSeenTs.ShouldBe(1);
    }

    [Fact]
    public async Task One_device_is_shown_and_another_users_device_is_not_found()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, device) = await RegisterAsync(host, "alice", "pw");
        var (_, bobDevice) = await RegisterAsync(host, "bob", "pw");

        var body = await (await host.Client.GetWithTokenAsync($"{Devices}/{device}", token)).ShouldBeOkJsonAsync();
        body.GetProperty("device_id").GetString().ShouldBe(device);

        await (await host.Client.GetWithTokenAsync($"{Devices}/{bobDevice}", token)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync($"{Devices}/NOPE", token)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Device_endpoints_need_a_token()
    {
        await using var host = await TestHost.StartAsync(Open);

        await (await host.Client.GetWithTokenAsync(Devices, null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/delete_devices", """{"devices":[]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Guests_may_see_and_rename_their_devices_but_not_delete_them()
    {
        await using var host = await TestHost.StartAsync(Open);
        var token = await host.CreateUserWithTokenAsync("guest1", Ranvier.Storage.Accounts.AccountKind.Guest);

        await (await host.Client.GetWithTokenAsync(Devices, token)).ShouldBeOkJsonAsync();
        await (await host.Client.SendJsonAsync(HttpMethod.Put, $"{Devices}/DEVICEGUEST1", """{"display_name":"g"}""", token)).ShouldBeOkJsonAsync();
        await (await host.Client.GetWithTokenAsync($"{Devices}/DEVICEGUEST1", token)).ShouldBeOkJsonAsync();
        await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/DEVICEGUEST1", "{}", token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/account/password", """{"new_password":"x"}""", token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task A_device_is_renamed_and_an_absent_name_changes_nothing()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, device) = await RegisterAsync(host, "alice", "pw");

        await (await host.Client.SendJsonAsync(HttpMethod.Put, $"{Devices}/{device}", """{"display_name":"Phone"}""", token)).ShouldBeOkJsonAsync();
        await (await host.Client.SendJsonAsync(HttpMethod.Put, $"{Devices}/{device}", "{}", token)).ShouldBeOkJsonAsync();

        var body = await (await host.Client.GetWithTokenAsync($"{Devices}/{device}", token)).ShouldBeOkJsonAsync();
        body.GetProperty("display_name").GetString().ShouldBe("Phone");
    }

    [Theory]
    [InlineData("NOPE", """{"display_name":"x"}""", HttpStatusCode.NotFound, "M_NOT_FOUND")]
    [InlineData("NOPE", "{}", HttpStatusCode.NotFound, "M_NOT_FOUND")]
    [InlineData(null, """{"display_name":5}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData(null, "not json", HttpStatusCode.BadRequest, "M_NOT_JSON")]
    [InlineData(null, "[]", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    public async Task A_bad_rename_fails_and_changes_nothing(string? deviceId, string json, HttpStatusCode status, string errcode)
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, device) = await RegisterAsync(host, "alice", "pw");

        await (await host.Client.SendJsonAsync(HttpMethod.Put, $"{Devices}/{deviceId ?? device}", json, token)).ShouldBeMatrixErrorAsync(status, errcode);

        var devices = await host.Services.GetAccountStore().ListDevicesAsync("@alice:example.org");
        devices.Single().DisplayName.ShouldBeNull();
    }

    [Fact]
    public async Task Deleting_a_device_asks_for_the_password_then_revokes_its_tokens()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "pw");
        var (otherToken, other) = await LoginAsync(host, "alice", "pw");

        var challenge = await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{other}", null, token)).ShouldBeUiaChallengeAsync();
        (await TokenWorksAsync(host, otherToken)).ShouldBeTrue();

        var session = challenge.GetProperty("session").GetString();
        await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{other}", $"{{\"auth\":{PasswordAuth("alice", "pw", session)}}}", token)).ShouldBeOkJsonAsync();

        (await TokenWorksAsync(host, otherToken)).ShouldBeFalse();
        (await TokenWorksAsync(host, token)).ShouldBeTrue();
        (await host.Services.GetAccountStore().GetDeviceAsync("@alice:example.org", other)).ShouldBeNull();
    }

    [Fact]
    public async Task A_wrong_password_is_a_401_forbidden_with_the_flows_and_deletes_nothing()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, device) = await RegisterAsync(host, "alice", "pw");

        var body = await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{device}", $"{{\"auth\":{PasswordAuth("alice", "wrong")}}}", token))
            .ShouldBeUiaChallengeAsync("M_FORBIDDEN");

        body.GetProperty("completed").GetArrayLength().ShouldBe(0);
        (await TokenWorksAsync(host, token)).ShouldBeTrue();
    }

    [Fact]
    public async Task Another_users_password_does_not_authorise_a_deletion()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, device) = await RegisterAsync(host, "alice", "pw");
        await RegisterAsync(host, "bob", "bobpw");

        await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{device}", $"{{\"auth\":{PasswordAuth("bob", "bobpw")}}}", token))
            .ShouldBeUiaChallengeAsync("M_FORBIDDEN");

        (await TokenWorksAsync(host, token)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_completed_session_cannot_be_reused_for_another_device()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "pw");
        var (_, first) = await LoginAsync(host, "alice", "pw");
        var (secondToken, second) = await LoginAsync(host, "alice", "pw");
        var challenge = await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{first}", "{}", token)).ShouldBeUiaChallengeAsync();
        var session = challenge.GetProperty("session").GetString();
        await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{first}", $"{{\"auth\":{PasswordAuth("alice", "pw", session)}}}", token)).ShouldBeOkJsonAsync();

        // The session ended with its request: replaying it, even for another device, is refused.
        await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{second}", $"{{\"auth\":{{\"session\":\"{session}\"}}}}", token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
        (await TokenWorksAsync(host, secondToken)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_session_started_for_one_device_cannot_delete_another()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "pw");
        var (_, first) = await LoginAsync(host, "alice", "pw");
        var (secondToken, second) = await LoginAsync(host, "alice", "pw");
        var session = (await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{first}", "{}", token)).ShouldBeUiaChallengeAsync())
            .GetProperty("session").GetString();

        await (await host.Client.SendJsonAsync(HttpMethod.Delete, $"{Devices}/{second}", $"{{\"auth\":{PasswordAuth("alice", "pw", session)}}}", token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await TokenWorksAsync(host, secondToken)).ShouldBeTrue();
    }

    [Fact]
    public async Task Several_devices_are_deleted_at_once_and_unknown_ones_are_fine()
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "pw");
        var (firstToken, first) = await LoginAsync(host, "alice", "pw");
        var (secondToken, second) = await LoginAsync(host, "alice", "pw");
        var json = $"{{\"devices\":[\"{first}\",\"{second}\",\"GONE\"],\"auth\":{PasswordAuth("@alice:example.org", "pw")}}}";

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/delete_devices", json, token)).ShouldBeOkJsonAsync();

        (await TokenWorksAsync(host, firstToken)).ShouldBeFalse();
        (await TokenWorksAsync(host, secondToken)).ShouldBeFalse();
        (await TokenWorksAsync(host, token)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("""{"devices":"DEV"}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"devices":["DEV",1]}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"devices":["DEV"],"auth":5}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"devices":["DEV"],"auth":{"type":"m.login.password","password":"pw"}}""", HttpStatusCode.Unauthorized, "M_MISSING_PARAM")]
    [InlineData("""{"devices":["DEV"],"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"},"password":"nope"}}""", HttpStatusCode.Unauthorized, "M_FORBIDDEN")]
    [InlineData("""{"devices":["DEV"],"auth":{"type":"m.login.dummy"}}""", HttpStatusCode.Unauthorized, "M_INVALID_PARAM")]
    [InlineData("""{"devices":["DEV"],"auth":{"session":"nosuchsession"}}""", HttpStatusCode.BadRequest, "M_UNKNOWN")]
    [InlineData("""{"devices":["DEV"]""", HttpStatusCode.BadRequest, "M_NOT_JSON")]
    public async Task Bad_bulk_deletions_fail_with_the_right_error_and_delete_nothing(string json, HttpStatusCode status, string errcode)
    {
        await using var host = await TestHost.StartAsync(Open);
        var (token, _) = await RegisterAsync(host, "alice", "pw");
        var (otherToken, other) = await LoginAsync(host, "alice", "pw");

        var response = await host.Client.PostJsonAsync("/_matrix/client/v3/delete_devices", json.Replace("DEV", other, StringComparison.Ordinal), token);

        await response.ShouldBeMatrixErrorAsync(status, errcode);
        (await TokenWorksAsync(host, otherToken)).ShouldBeTrue();
    }
}
