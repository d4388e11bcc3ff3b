using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Api.Sync;

namespace Ranvier.Server.Tests.Api.Presence;

/// <summary>Presence through GET /sync (spec: GET /sync <c>presence</c> and <c>set_presence</c>).</summary>
public sealed class PresenceSyncTests : RoomTestBase
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string Carol = "@carol:example.org";

    protected override async Task SetUpAsync()
    {
        // Alice and Bob share a room; Carol shares none with them.
        var room = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, room);
        await Client.CreateRoomAsync(carol);
    }

    [Fact]
    public async Task An_initial_sync_shows_room_mates_and_oneself_but_not_strangers()
    {
        await Client.SetPresenceAsync(bob, Bob, "online", "coding");
        await Client.SetPresenceAsync(carol, Carol, "online", "secret");

        var sync = await Client.SyncAsync(alice);

        var presence = Presence(sync);
        presence.Keys.Order(StringComparer.Ordinal).ShouldBe([Alice, Bob]);
        presence[Alice].GetProperty("presence").GetString().ShouldBe("online", "syncing without set_presence brings Alice online");
        presence[Bob].GetProperty("status_msg").GetString().ShouldBe("coding");
    }

    [Fact]
    public async Task An_incremental_sync_brings_a_room_mates_change_and_not_a_strangers()
    {
        var since = (await Client.SyncAsync(alice)).NextBatch();
        await Client.SetPresenceAsync(carol, Carol, "unavailable");
        await Client.SetPresenceAsync(bob, Bob, "unavailable", "lunch");

        var sync = await Client.SyncAsync(alice, since);

        var presence = Presence(sync);
        presence.Keys.ShouldBe([Bob]);
        presence[Bob].GetProperty("presence").GetString().ShouldBe("unavailable");
        Presence(await Client.SyncAsync(alice, sync.NextBatch())).ShouldBeEmpty();
    }

    [Fact]
    public async Task Set_presence_unavailable_applies_and_offline_leaves_presence_alone()
    {
        await Client.SyncAsync(bob, extraQuery: "set_presence=offline");
        (await Client.GetPresenceAsync(alice, Bob)).GetProperty("presence").GetString().ShouldBe("offline");

        var sync = await Client.SyncAsync(bob, extraQuery: "set_presence=unavailable");

        Presence(sync)[Bob].GetProperty("presence").GetString().ShouldBe("unavailable");
        (await Client.GetPresenceAsync(alice, Bob)).GetProperty("presence").GetString().ShouldBe("unavailable");
    }

    [Fact]
    public async Task A_long_poll_wakes_for_a_room_mates_presence_change()
    {
        var since = (await Client.SyncAsync(alice)).NextBatch();

        var polling = Client.SyncAsync(alice, since, timeout: 30_000);
        await Client.SetPresenceAsync(bob, Bob, "online", "hello");
        var sync = await polling.WaitAsync(TimeSpan.FromSeconds(20));

        Presence(sync)[Bob].GetProperty("status_msg").GetString().ShouldBe("hello");
    }

    [Fact]
    public async Task A_long_poll_is_not_woken_by_a_strangers_presence()
    {
        var since = (await Client.SyncAsync(alice)).NextBatch();

        var polling = Client.SyncAsync(alice, since, timeout: 30_000);
        await Client.SetPresenceAsync(carol, Carol, "online", "ignored");
        await Client.SetPresenceAsync(bob, Bob, "online", "seen");
        var sync = await polling.WaitAsync(TimeSpan.FromSeconds(20));

        Presence(sync).Keys.ShouldBe([Bob]);
    }

    [Fact]
    public async Task The_sync_filter_presence_part_applies()
    {
        await Client.SetPresenceAsync(bob, Bob, "online");

        var sync = await Client.SyncAsync(alice, filter: """{"presence":{"not_senders":["@bob:example.org"]}}""");
        Presence(sync).Keys.ShouldBe([Alice]);

        var none = await Client.SyncAsync(alice, filter: """{"presence":{"types":[]}}""");
        Presence(none).ShouldBeEmpty();
    }

    private static Dictionary<string, JsonElement> Presence(JsonElement sync) =>
        sync.Events("presence").ToDictionary(e => e.GetProperty("sender").GetString()!, e =>
        {
            e.GetProperty("type").GetString().ShouldBe("m.presence");
            return e.GetProperty("content");
        });
}
