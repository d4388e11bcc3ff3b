using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;
using static Ranvier.Server.Tests.Api.Rooms.TimelineClient;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>Spec: client-server API, "Room History Visibility" and "Guest access", through /messages and /event.</summary>
public sealed class HistoryVisibilityTests : RoomTestBase
{

    /// <summary>A room with the given visibility that anyone may join (or, with <paramref name="inviteOnly"/>, only the invited).</summary>
    private async Task<string> RoomAsync(string visibility, bool inviteOnly = false)
    {
        var roomId = await Client.CreateRoomAsync(alice, inviteOnly ? """{"preset":"private_chat"}""" : """{"preset":"public_chat"}""");
        await Client.SetStateAsync(alice, roomId, "m.room.history_visibility", "", $$"""{"history_visibility":"{{visibility}}"}""");
        return roomId;
    }

    private async Task<string[]> VisibleBodiesAsync(string token, string roomId) => (await Client.AllBackwardsAsync(token, roomId)).Bodies();

    private async Task ShouldSeeEventAsync(string token, string roomId, string eventId, bool visible)
    {
        var response = await Client.GetEventResponseAsync(token, roomId, eventId);
        if (visible)
        {
            await response.ShouldBeOkJsonAsync();
        }
        else
        {
            await response.ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        }
    }

    [Fact]
    public async Task Joined_members_see_only_what_was_sent_while_they_were_joined()
    {
        var roomId = await RoomAsync("joined");
        var before = await Client.SendTextAsync(alice, roomId, "before");
        await Client.JoinAsync(bob, roomId);
        var during = await Client.SendTextAsync(alice, roomId, "during");
        await Client.LeaveAsync(bob, roomId);
        var after = await Client.SendTextAsync(alice, roomId, "after");

        (await VisibleBodiesAsync(bob, roomId)).ShouldBe(["during"]);
        await ShouldSeeEventAsync(bob, roomId, before, false);
        await ShouldSeeEventAsync(bob, roomId, during, true);
        await ShouldSeeEventAsync(bob, roomId, after, false);
        (await VisibleBodiesAsync(alice, roomId)).ShouldBe(["after", "during", "before"]);
    }

    [Fact]
    public async Task Own_membership_changes_stay_visible_under_joined()
    {
        var roomId = await RoomAsync("joined");
        await Client.JoinAsync(bob, roomId);
        await Client.LeaveAsync(bob, roomId);

        var members = (await Client.AllBackwardsAsync(bob, roomId))
            .Where(e => e.GetProperty("type").GetString() == "m.room.member" && e.GetProperty("state_key").GetString() == "@bob:example.org")
            .Select(e => e.GetProperty("content").GetProperty("membership").GetString());
        members.ShouldBe(["leave", "join"]);
    }

    [Fact]
    public async Task Shared_history_is_visible_to_later_joiners_but_not_after_they_leave()
    {
        var roomId = await RoomAsync("shared");
        var before = await Client.SendTextAsync(alice, roomId, "before");
        (await Client.GetWithTokenAsync(MessagesPath(roomId, "dir=b"), bob)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await Client.JoinAsync(bob, roomId);
        await Client.SendTextAsync(alice, roomId, "during");
        (await VisibleBodiesAsync(bob, roomId)).ShouldBe(["during", "before"]);

        await Client.LeaveAsync(bob, roomId);
        var after = await Client.SendTextAsync(alice, roomId, "after");

        (await VisibleBodiesAsync(bob, roomId)).ShouldBe(["during", "before"]);
        await ShouldSeeEventAsync(bob, roomId, before, true);
        await ShouldSeeEventAsync(bob, roomId, after, false);
        var forwards = await Client.MessagesAsync(bob, roomId, "dir=f&limit=1000");
        forwards.GetProperty("chunk").Bodies().ShouldBe(["before", "during"]);
    }

    [Fact]
    public async Task Invited_history_starts_at_the_invite()
    {
        var roomId = await RoomAsync("invited", inviteOnly: true);
        var beforeInvite = await Client.SendTextAsync(alice, roomId, "before invite");
        await Client.InviteAsync(alice, roomId, "@bob:example.org");
        var whileInvited = await Client.SendTextAsync(alice, roomId, "while invited");
        await Client.JoinAsync(bob, roomId);
        await Client.SendTextAsync(alice, roomId, "joined");

        (await VisibleBodiesAsync(bob, roomId)).ShouldBe(["joined", "while invited"]);
        await ShouldSeeEventAsync(bob, roomId, beforeInvite, false);
        await ShouldSeeEventAsync(bob, roomId, whileInvited, true);
    }

    [Fact]
    public async Task World_readable_rooms_can_be_read_by_anyone_without_joining()
    {
        var roomId = await RoomAsync("world_readable");
        var message = await Client.SendTextAsync(alice, roomId, "public");

        (await VisibleBodiesAsync(carol, roomId)).ShouldBe(["public"]);
        await ShouldSeeEventAsync(carol, roomId, message, true);
    }

    [Fact]
    public async Task Events_sent_while_world_readable_stay_readable_to_members_after_a_change_to_joined()
    {
        var roomId = await RoomAsync("world_readable");
        await Client.SendTextAsync(alice, roomId, "open");
        await Client.SetStateAsync(alice, roomId, "m.room.history_visibility", "", """{"history_visibility":"joined"}""");
        await Client.SendTextAsync(alice, roomId, "closed");
        (await Client.GetWithTokenAsync(MessagesPath(roomId, "dir=b"), carol)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        await Client.JoinAsync(carol, roomId);
        await Client.SendTextAsync(alice, roomId, "joined");

        // The change to joined is visible because the state before it (world_readable) allows it; the preset's
        // initial "shared" because the default before it is shared and carol is joined now.
        var events = await Client.AllBackwardsAsync(carol, roomId);
        events.Bodies().ShouldBe(["joined", "open"]);
        events.Where(e => e.GetProperty("type").GetString() == "m.room.history_visibility")
            .Select(e => e.GetProperty("content").GetProperty("history_visibility").GetString()).ShouldBe(["joined", "world_readable", "shared"]);
    }

    [Fact]
    public async Task Unknown_visibility_values_count_as_shared()
    {
        var roomId = await RoomAsync("something_new");
        await Client.SendTextAsync(alice, roomId, "before");
        await Client.JoinAsync(bob, roomId);

        (await VisibleBodiesAsync(bob, roomId)).ShouldBe(["before"]);
    }

    [Fact]
    public async Task Guests_can_peek_into_world_readable_rooms_and_join_only_can_join_rooms()
    {
        var guest = await host.CreateUserWithTokenAsync("1234", AccountKind.Guest);
        var readable = await RoomAsync("world_readable");
        await Client.SendTextAsync(alice, readable, "hello guests");
        await Client.SetStateAsync(alice, readable, "m.room.guest_access", "", """{"guest_access":"forbidden"}""");

        (await VisibleBodiesAsync(guest, readable)).ShouldBe(["hello guests"]);
        await (await Client.PostJsonAsync($"{RoomClient.Room(readable)}/join", "{}", guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        var shared = await RoomAsync("shared");
        await Client.SendTextAsync(alice, shared, "members only");
        await (await Client.GetWithTokenAsync(MessagesPath(shared, "dir=b"), guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await Client.SetStateAsync(alice, shared, "m.room.guest_access", "", """{"guest_access":"can_join"}""");
        await Client.JoinAsync(guest, shared);
        (await VisibleBodiesAsync(guest, shared)).ShouldBe(["members only"]);
    }

    [Fact]
    public async Task Guests_cannot_join_rooms_without_a_guest_access_event()
    {
        var guest = await host.CreateUserWithTokenAsync("5678", AccountKind.Guest);
        var roomId = await RoomAsync("shared");
        await Client.SendTextAsync(alice, roomId, "x");
        var state = await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state/m.room.guest_access", alice);
        if (state.StatusCode == HttpStatusCode.OK)
        {
            // Presets may add guest access; remove its effect for this test.
            await Client.SetStateAsync(alice, roomId, "m.room.guest_access", "", "{}");
        }

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/join", "{}", guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await Client.JoinAsync(bob, roomId);
    }

    [Fact]
    public async Task Events_of_another_room_are_not_found_through_this_one()
    {
        var roomId = await RoomAsync("shared");
        var other = await RoomAsync("shared");
        var elsewhere = await Client.SendTextAsync(alice, other, "elsewhere");

        await ShouldSeeEventAsync(alice, roomId, elsewhere, false);
        await ShouldSeeEventAsync(alice, roomId, "$unknown", false);
    }
}
