using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Sync;

/// <summary>Membership changes move rooms between the sync sections: invite, knock, join (from scratch), leave.</summary>
public sealed class SyncMembershipTests : RoomTestBase
{
    [Fact]
    public async Task An_invite_arrives_with_stripped_state_and_the_invite_event()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"name":"Party"}""");
        var before = await Client.SyncAsync(bob);
        await Client.InviteAsync(alice, roomId, "@bob:example.org");

        var sync = await Client.SyncAsync(bob, since: before.NextBatch());

        var invite = sync.RequireRoom(roomId, "invite");
        var state = invite.Events("invite_state");
        state.ShouldContain(e => e.GetProperty("type").GetString() == "m.room.create");
        state.ShouldContain(e => e.GetProperty("type").GetString() == "m.room.name");
        var member = state.Single(e => e.GetProperty("type").GetString() == "m.room.member");
        member.GetProperty("state_key").GetString().ShouldBe("@bob:example.org");
        member.GetProperty("content").GetProperty("membership").GetString().ShouldBe("invite");
        state.Count(e => e.TryGetProperty("event_id", out var _)).ShouldBe(0);
        sync.Room(roomId).ShouldBeNull();
    }

    [Fact]
    public async Task A_room_joined_since_the_token_comes_with_its_full_state()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat","name":"Open"}""");
        for (var i = 0; i < 12; i++)
        {
            await Client.SendTextAsync(alice, roomId, $"before bob {i}");
        }

        var before = await Client.SyncAsync(bob);
        await Client.JoinAsync(bob, roomId);

        var sync = await Client.SyncAsync(bob, since: before.NextBatch());

        var room = sync.RequireRoom(roomId);
        var known = room.StateKeys().Concat(StateKeysIn(room.Timeline())).ToList();
        known.ShouldContain(("m.room.create", ""));
        known.ShouldContain(("m.room.power_levels", ""));
        known.ShouldContain(("m.room.name", ""));
        known.ShouldContain(("m.room.member", "@alice:example.org"));
        known.ShouldContain(("m.room.member", "@bob:example.org"));
        room.GetProperty("summary").GetProperty("m.joined_member_count").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task A_kick_moves_the_room_to_leave_with_the_timeline_ending_at_the_kick()
    {
        var roomId = await SharedRoomAsync();
        var before = await Client.SyncAsync(bob);
        await Client.SendTextAsync(alice, roomId, "goodbye bob");
        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/kick", """{"user_id":"@bob:example.org"}""", alice)).ShouldBeOkJsonAsync();
        await Client.SendTextAsync(alice, roomId, "bob cannot see this");

        var sync = await Client.SyncAsync(bob, since: before.NextBatch());

        sync.Room(roomId).ShouldBeNull();
        var left = sync.RequireRoom(roomId, "leave");
        var last = left.Timeline()[^1];
        last.GetProperty("type").GetString().ShouldBe("m.room.member");
        last.GetProperty("content").GetProperty("membership").GetString().ShouldBe("leave");
        last.GetProperty("sender").GetString().ShouldBe("@alice:example.org");
        left.Timeline().Count(e => e.GetProperty("content").TryGetProperty("body", out var b) && b.GetString() == "bob cannot see this").ShouldBe(0);
    }

    [Fact]
    public async Task A_ban_and_an_own_leave_put_the_room_in_leave()
    {
        var banned = await SharedRoomAsync();
        var left = await SharedRoomAsync();
        var before = await Client.SyncAsync(bob);
        await (await Client.PostJsonAsync($"{RoomClient.Room(banned)}/ban", """{"user_id":"@bob:example.org"}""", alice)).ShouldBeOkJsonAsync();
        await Client.LeaveAsync(bob, left);

        var sync = await Client.SyncAsync(bob, since: before.NextBatch());

        sync.RequireRoom(banned, "leave").Timeline()[^1].GetProperty("content").GetProperty("membership").GetString().ShouldBe("ban");
        sync.RequireRoom(left, "leave").Timeline()[^1].GetProperty("sender").GetString().ShouldBe("@bob:example.org");
        sync.Room(banned).ShouldBeNull();
        sync.Room(left).ShouldBeNull();
    }

    [Fact]
    public async Task Initial_sync_lists_left_rooms_only_with_include_leave_and_never_forgotten_ones()
    {
        var left = await SharedRoomAsync();
        var forgotten = await SharedRoomAsync();
        await Client.LeaveAsync(bob, left);
        await Client.LeaveAsync(bob, forgotten);
        await (await Client.PostJsonAsync($"{RoomClient.Room(forgotten)}/forget", "{}", bob)).ShouldBeOkJsonAsync();

        var plain = await Client.SyncAsync(bob);
        var withLeave = await Client.SyncAsync(bob, filter: """{"room":{"include_leave":true}}""");

        plain.Room(left, "leave").ShouldBeNull();
        withLeave.RequireRoom(left, "leave").Timeline().ShouldNotBeEmpty();
        withLeave.Room(forgotten, "leave").ShouldBeNull();
    }

    [Fact]
    public async Task A_room_left_and_rejoined_inside_the_window_is_a_joined_room_with_full_state()
    {
        var roomId = await SharedRoomAsync();
        var before = await Client.SyncAsync(bob);
        await Client.LeaveAsync(bob, roomId);
        await Client.JoinAsync(bob, roomId);

        var sync = await Client.SyncAsync(bob, since: before.NextBatch());

        sync.Room(roomId, "leave").ShouldBeNull();
        var room = sync.RequireRoom(roomId);
        room.StateKeys().Concat(StateKeysIn(room.Timeline())).ShouldContain(("m.room.create", ""));
    }

    [Fact]
    public async Task A_rejected_invite_goes_to_leave_without_the_rooms_state()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"name":"Secret"}""");
        await Client.InviteAsync(alice, roomId, "@bob:example.org");
        var before = await Client.SyncAsync(bob);
        before.RequireRoom(roomId, "invite");
        await Client.LeaveAsync(bob, roomId);

        var sync = await Client.SyncAsync(bob, since: before.NextBatch());

        var left = sync.RequireRoom(roomId, "leave");
        left.Events("state").ShouldBeEmpty();
        left.Timeline().ShouldAllBe(e => e.GetProperty("type").GetString() == "m.room.member");
    }

    [Fact]
    public async Task A_knock_arrives_in_knock_with_stripped_state()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"room_version":"10","initial_state":[{"type":"m.room.join_rules","state_key":"","content":{"join_rule":"knock"}}]}""");
        var before = await Client.SyncAsync(bob);
        await (await Client.PostJsonAsync($"{RoomClient.V3}/knock/{Uri.EscapeDataString(roomId)}", """{"reason":"let me in"}""", bob)).ShouldBeOkJsonAsync();

        var sync = await Client.SyncAsync(bob, since: before.NextBatch());

        var state = sync.RequireRoom(roomId, "knock").Events("knock_state");
        state.ShouldContain(e => e.GetProperty("type").GetString() == "m.room.join_rules");
        state.Single(e => e.GetProperty("type").GetString() == "m.room.member").GetProperty("content").GetProperty("membership").GetString().ShouldBe("knock");
    }

    [Fact]
    public async Task A_guest_may_sync()
    {
        var guest = await host.CreateUserWithTokenAsync("visitor", Ranvier.Storage.Accounts.AccountKind.Guest);

        var sync = await Client.SyncAsync(guest);

        sync.NextBatch().ShouldStartWith("s");
    }

    /// <summary>A room of alice's that bob joined.</summary>
    private async Task<string> SharedRoomAsync()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        return roomId;
    }

    private static IEnumerable<(string, string)> StateKeysIn(IEnumerable<JsonElement> events) =>
        events.Where(e => e.TryGetProperty("state_key", out var _))
            .Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("state_key").GetString()!));
}
