using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Api.Sync;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.CrossSigning;

/// <summary>
/// Cross-signing writes reach room mates' device-list tracking (spec: "Tracking the device list for a user": a user's
/// cross-signing keys or their signatures changing is a device-list change), through /sync's device_lists.changed.
/// </summary>
public sealed class CrossSigningDeviceListTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private TestHost host = null!;
    private string aliceToken = null!;
    private string aliceDevice = null!;
    private string bobToken = null!;
    private TestCrossSigningKeys aliceKeys = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync(AccountTestClient.Open);
        (aliceToken, aliceDevice) = await AccountTestClient.RegisterAsync(host, "alice", CrossSigningClient.Password);
        (bobToken, _) = await AccountTestClient.RegisterAsync(host, "bob", CrossSigningClient.Password);
        aliceKeys = new TestCrossSigningKeys(Alice);
        var room = await host.Client.CreateRoomAsync(aliceToken, """{"preset":"public_chat"}""");
        await host.Client.JoinAsync(bobToken, room);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static List<string> Changed(JsonElement sync) =>
        sync.TryGetProperty("device_lists", out var lists) && lists.TryGetProperty("changed", out var changed)
            ? [.. changed.EnumerateArray().Select(u => u.GetString()!)]
            : [];

    [Fact]
    public async Task Uploading_cross_signing_keys_and_signing_a_device_each_tell_room_mates()
    {
        var (deviceKeys, _) = await host.UploadDeviceKeysAsync(aliceToken, Alice, aliceDevice);
        var since = (await host.Client.SyncAsync(bobToken)).NextBatch();

        await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync();

        var afterKeys = await host.Client.SyncAsync(bobToken, since);
        Changed(afterKeys).ShouldBe([Alice]);

        var signed = CrossSigningClient.FreshlySigned(deviceKeys, aliceKeys.SelfSigning, Alice);
        await (await host.UploadSignaturesAsync(aliceToken, new JsonObject { [Alice] = new JsonObject { [aliceDevice] = signed } })).ShouldBeOkJsonAsync();

        Changed(await host.Client.SyncAsync(bobToken, afterKeys.NextBatch())).ShouldBe([Alice]);
    }

    [Fact]
    public async Task Repeating_the_stored_keys_tells_nobody()
    {
        await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync();
        var since = (await host.Client.SyncAsync(bobToken)).NextBatch();

        await (await host.UploadKeysAsync(aliceToken, aliceKeys.UploadBody())).ShouldBeOkJsonAsync();

        Changed(await host.Client.SyncAsync(bobToken, since)).ShouldBeEmpty();
    }
}
