using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Sync;

/// <summary>Account data in /sync: all of it initially, what changed afterwards, global and per room.</summary>
public sealed class SyncAccountDataTests : RoomTestBase
{
    [Fact]
    public async Task Initial_sync_has_all_account_data_and_later_syncs_only_what_changed()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        await PutAsync("/account_data/org.example.one", """{"n":1}""");
        await PutAsync($"/rooms/{Uri.EscapeDataString(roomId)}/account_data/m.tag", """{"tags":{"u.work":{}}}""");
        var first = await Client.SyncAsync(alice);
        first.AccountData().Select(e => e.GetProperty("type").GetString()).ShouldContain("org.example.one");
        first.RequireRoom(roomId).Events("account_data").Single().GetProperty("content").GetProperty("tags").TryGetProperty("u.work", out var _).ShouldBeTrue();

        await PutAsync("/account_data/org.example.two", """{"n":2}""");
        var next = await Client.SyncAsync(alice, since: first.NextBatch());

        next.AccountData().Select(e => e.GetProperty("type").GetString()).ShouldBe(["org.example.two"]);
        next.Room(roomId).ShouldBeNull();
    }

    [Fact]
    public async Task Room_account_data_alone_brings_the_room_into_an_incremental_sync_and_wakes_a_long_poll()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        var first = await Client.SyncAsync(alice);

        var polling = Client.SyncAsync(alice, since: first.NextBatch(), timeout: 60_000);
        await PutAsync($"/rooms/{Uri.EscapeDataString(roomId)}/account_data/org.example.room", """{"x":true}""");
        var sync = await polling.WaitAsync(TimeSpan.FromSeconds(20));

        var room = sync.RequireRoom(roomId);
        room.Timeline().ShouldBeEmpty();
        room.Events("account_data").Single().GetProperty("type").GetString().ShouldBe("org.example.room");
    }

    private async Task PutAsync(string path, string content) =>
        await (await Client.PutJsonAsync($"{RoomClient.V3}/user/@alice:example.org{path}", content, alice)).ShouldBeOkJsonAsync();
}
