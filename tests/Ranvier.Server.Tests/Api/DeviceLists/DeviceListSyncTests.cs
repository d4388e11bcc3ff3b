using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Api.Sync;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Api.AccountTestClient;

namespace Ranvier.Server.Tests.Api.DeviceLists;

/// <summary>
/// Device-list tracking (spec: "Tracking the device list for a user"): /sync's <c>device_lists</c> and GET /keys/changes
/// report room mates' added and deleted devices, users who come to share a room, and users who stop sharing any.
/// </summary>
public sealed class DeviceListSyncTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string Carol = "@carol:example.org";

    private TestHost host = null!;
    private string alice = null!;
    private string bob = null!;
    private string bobDevice = null!;
    private string carol = null!;
    private string room = null!;

    private HttpClient Client => host.Client;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync(Open);
        (alice, _) = await RegisterAsync(host, "alice", "pw");
        (bob, bobDevice) = await RegisterAsync(host, "bob", "pw");
        (carol, _) = await RegisterAsync(host, "carol", "pw");
        // Alice and Bob share a room; Carol shares none with them.
        room = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, room);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_room_mates_login_is_in_changed_and_a_strangers_is_not()
    {
        var initial = await Client.SyncAsync(alice);
        await LoginAsync(host, "carol", "pw");
        await LoginAsync(host, "bob", "pw");

        var sync = await Client.SyncAsync(alice, initial.NextBatch());

        Changed(sync).ShouldBe([Bob]);
        Left(sync).ShouldBeEmpty();
        Changed(initial).ShouldBeEmpty("an initial sync has no earlier point to compare with");
        Changed(await Client.SyncAsync(alice, sync.NextBatch())).ShouldBeEmpty("each change is reported once");
    }

    [Fact]
    public async Task A_room_mates_logout_and_device_deletion_are_in_changed()
    {
        var (second, secondDevice) = await LoginAsync(host, "bob", "pw");
        var since = (await Client.SyncAsync(alice)).NextBatch();
        await (await Client.PostJsonAsync("/_matrix/client/v3/logout", "{}", second)).ShouldBeOkJsonAsync();

        var afterLogout = await Client.SyncAsync(alice, since);
        Changed(afterLogout).ShouldBe([Bob]);

        var (third, thirdDevice) = await LoginAsync(host, "bob", "pw");
        var beforeDelete = (await Client.SyncAsync(alice)).NextBatch();
        await DeleteDeviceAsync(bob, thirdDevice);

        Changed(await Client.SyncAsync(alice, beforeDelete)).ShouldBe([Bob]);
        (await TokenWorksAsync(host, third)).ShouldBeFalse();
        secondDevice.ShouldNotBe(thirdDevice);
    }

    [Fact]
    public async Task Renaming_a_device_is_a_change_and_renaming_it_to_the_same_name_is_not()
    {
        await RenameAsync(bob, bobDevice, "phone");
        var since = (await Client.SyncAsync(alice)).NextBatch();

        await RenameAsync(bob, bobDevice, "phone");
        Changed(await Client.SyncAsync(alice, since)).ShouldBeEmpty();

        await RenameAsync(bob, bobDevice, "laptop");
        Changed(await Client.SyncAsync(alice, since)).ShouldBe([Bob]);
    }

    [Fact]
    public async Task A_room_mates_key_upload_is_in_changed()
    {
        var since = (await Client.SyncAsync(alice)).NextBatch();
        var keys = new Keys.TestDeviceKeys(Bob, bobDevice);

        var upload = new System.Text.Json.Nodes.JsonObject { ["device_keys"] = keys.DeviceKeys() }.ToJsonString();
        await (await Client.PostJsonAsync("/_matrix/client/v3/keys/upload", upload, bob)).ShouldBeOkJsonAsync();

        Changed(await Client.SyncAsync(alice, since)).ShouldBe([Bob]);
    }

    [Fact]
    public async Task Ones_own_new_device_is_in_changed()
    {
        var since = (await Client.SyncAsync(alice)).NextBatch();

        await LoginAsync(host, "alice", "pw");

        Changed(await Client.SyncAsync(alice, since)).ShouldBe([Alice]);
    }

    [Fact]
    public async Task A_user_who_joins_a_shared_room_is_in_changed_for_both_sides()
    {
        var aliceSince = (await Client.SyncAsync(alice)).NextBatch();
        var carolSince = (await Client.SyncAsync(carol)).NextBatch();

        await Client.JoinAsync(carol, room);

        Changed(await Client.SyncAsync(alice, aliceSince)).ShouldBe([Carol]);
        Changed(await Client.SyncAsync(carol, carolSince)).ShouldBe([Alice, Bob]);
    }

    [Fact]
    public async Task A_user_who_leaves_the_last_shared_room_is_in_left_and_one_still_sharing_another_is_not()
    {
        var other = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(carol, room);
        await Client.JoinAsync(carol, other);
        var since = (await Client.SyncAsync(alice)).NextBatch();

        await Client.LeaveAsync(bob, room);
        await Client.LeaveAsync(carol, room);

        var sync = await Client.SyncAsync(alice, since);
        Left(sync).ShouldBe([Bob]);
        Changed(sync).ShouldBeEmpty();
        Left(await Client.SyncAsync(bob, since)).ShouldBe([Alice, Carol], "Bob left the room he shared with them");
    }

    [Fact]
    public async Task A_long_poll_wakes_for_a_room_mates_login()
    {
        var since = (await Client.SyncAsync(alice)).NextBatch();

        var polling = Client.SyncAsync(alice, since, timeout: 30_000);
        await LoginAsync(host, "bob", "pw");
        var sync = await polling.WaitAsync(TimeSpan.FromSeconds(20));

        Changed(sync).ShouldBe([Bob]);
    }

    [Fact]
    public async Task Keys_changes_reports_the_window_between_two_sync_tokens()
    {
        var from = (await Client.SyncAsync(alice)).NextBatch();
        await LoginAsync(host, "bob", "pw");
        var to = (await Client.SyncAsync(alice)).NextBatch();
        await LoginAsync(host, "carol", "pw");

        var body = await (await KeysChangesAsync(alice, from, to)).ShouldBeOkJsonAsync();
        Strings(body, "changed").ShouldBe([Bob]);
        Strings(body, "left").ShouldBeEmpty();

        await LoginAsync(host, "alice", "pw");
        await Client.LeaveAsync(bob, room);
        var later = await (await KeysChangesAsync(alice, to, (await Client.SyncAsync(alice)).NextBatch())).ShouldBeOkJsonAsync();
        Strings(later, "changed").ShouldBe([Alice]);
        Strings(later, "left").ShouldBe([Bob]);
    }

    [Theory]
    [InlineData("from=s1_1", "M_MISSING_PARAM")]
    [InlineData("to=s1_1", "M_MISSING_PARAM")]
    [InlineData("from=nonsense&to=s1_1", "M_INVALID_PARAM")]
    [InlineData("from=s1_1&to=s2", "M_INVALID_PARAM")]
    public async Task Keys_changes_needs_both_tokens(string query, string errcode)
    {
        var response = await Client.GetWithTokenAsync($"/_matrix/client/v3/keys/changes?{query}", alice);

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
    }

    [Fact]
    public async Task Keys_changes_needs_an_access_token()
    {
        var response = await Client.GetWithTokenAsync("/_matrix/client/v3/keys/changes?from=s1_1&to=s2_1", null);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Keys_changes_is_not_for_guests()
    {
        var guest = await host.CreateUserWithTokenAsync("guest1", Storage.Accounts.AccountKind.Guest);

        var response = await Client.GetWithTokenAsync("/_matrix/client/v3/keys/changes?from=s1_1&to=s2_1", guest);

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    private Task<HttpResponseMessage> KeysChangesAsync(string token, string from, string to) =>
        Client.GetWithTokenAsync($"/_matrix/client/v3/keys/changes?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}", token);

    private async Task RenameAsync(string token, string deviceId, string name) =>
        await (await Client.SendJsonAsync(HttpMethod.Put, $"/_matrix/client/v3/devices/{deviceId}", $$"""{"display_name":"{{name}}"}""", token)).ShouldBeOkJsonAsync();

    /// <summary>DELETE /devices/{deviceId} through its password UIA (Bob's).</summary>
    private async Task DeleteDeviceAsync(string token, string deviceId)
    {
        var path = $"/_matrix/client/v3/devices/{deviceId}";
        var challenge = await (await Client.SendJsonAsync(HttpMethod.Delete, path, "{}", token)).ShouldBeUiaChallengeAsync();
        var session = challenge.GetProperty("session").GetString();
        await (await Client.SendJsonAsync(HttpMethod.Delete, path, $"{{\"auth\":{PasswordAuth("bob", "pw", session)}}}", token)).ShouldBeOkJsonAsync();
    }

    private static IReadOnlyList<string> Changed(JsonElement sync) => DeviceLists(sync, "changed");

    private static IReadOnlyList<string> Left(JsonElement sync) => DeviceLists(sync, "left");

    private static IReadOnlyList<string> DeviceLists(JsonElement sync, string part) =>
        sync.TryGetProperty("device_lists", out var lists) ? Strings(lists, part) : [];

    private static IReadOnlyList<string> Strings(JsonElement json, string name) =>
        json.TryGetProperty(name, out var array) ? [.. array.EnumerateArray().Select(e => e.GetString()!)] : [];
}
