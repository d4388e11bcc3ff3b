using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class MembersTests : RoomTestBase
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string Carol = "@carol:example.org";

    private async Task<Dictionary<string, string>> MembersAsync(string token, string roomId, string query = "")
    {
        var json = await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/members{query}", token)).ShouldBeOkJsonAsync();
        return json.GetProperty("chunk").EnumerateArray().ToDictionary(
            e => e.GetProperty("state_key").GetString()!, e => e.GetProperty("content").GetProperty("membership").GetString()!);
    }

    [Fact]
    public async Task Members_lists_every_member_event_of_the_room()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        await Client.InviteAsync(alice, roomId, Carol);

        var json = await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/members", bob)).ShouldBeOkJsonAsync();

        var chunk = json.GetProperty("chunk").EnumerateArray().ToList();
        chunk.Select(e => e.GetProperty("type").GetString()).ShouldAllBe(t => t == "m.room.member");
        chunk.ShouldAllBe(e => e.GetProperty("room_id").GetString() == roomId);
        (await MembersAsync(bob, roomId)).ShouldBe(new Dictionary<string, string> { [Alice] = "join", [Bob] = "join", [Carol] = "invite" }, ignoreOrder: true);
    }

    [Fact]
    public async Task Membership_filters_combine_as_an_or()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        await Client.LeaveAsync(bob, roomId);
        await Client.InviteAsync(alice, roomId, Carol);

        (await MembersAsync(alice, roomId, "?membership=join")).Keys.ShouldBe([Alice]);
        (await MembersAsync(alice, roomId, "?not_membership=join")).Keys.ShouldBe([Bob, Carol], ignoreOrder: true);
        (await MembersAsync(alice, roomId, "?membership=leave&not_membership=invite")).Keys.ShouldBe([Alice, Bob], ignoreOrder: true);
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/members?membership=gone", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task At_an_event_or_stream_token_gives_the_members_at_that_point()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var before = await Client.SendTextAsync(alice, roomId, "before bob");
        await Client.JoinAsync(bob, roomId);

        (await MembersAsync(alice, roomId, $"?at={Uri.EscapeDataString(before)}")).Keys.ShouldBe([Alice]);
        (await MembersAsync(alice, roomId, "?at=s0")).ShouldBeEmpty();
        (await MembersAsync(alice, roomId, "?at=s999999")).Keys.ShouldBe([Alice, Bob], ignoreOrder: true);
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/members?at=garbage", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/members?at=%24nope", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_former_member_sees_the_members_as_they_were_when_they_left()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        await Client.LeaveAsync(bob, roomId);
        await Client.JoinAsync(carol, roomId);

        (await MembersAsync(bob, roomId)).ShouldBe(new Dictionary<string, string> { [Alice] = "join", [Bob] = "leave" }, ignoreOrder: true);
        (await MembersAsync(bob, roomId, "?at=s999999")).Keys.ShouldNotContain(Carol);
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/joined_members", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Non_members_and_unknown_rooms_are_forbidden()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        await Client.InviteAsync(alice, roomId, Bob);

        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/members", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/members", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/joined_members", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await Client.GetWithTokenAsync($"{RoomClient.Room("!nowhere:example.org")}/members", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task World_readable_rooms_list_members_to_anyone()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"initial_state":[{"type":"m.room.history_visibility","content":{"history_visibility":"world_readable"}}]}""");

        (await MembersAsync(carol, roomId)).Keys.ShouldBe([Alice]);
    }

    [Fact]
    public async Task Joined_members_gives_names_and_avatars_of_joined_users_only()
    {
        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/displayname", """{"displayname":"Alice A"}""", alice)).ShouldBeOkJsonAsync();
        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/avatar_url", """{"avatar_url":"mxc://example.org/a"}""", alice)).ShouldBeOkJsonAsync();
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        await Client.InviteAsync(alice, roomId, Carol);

        var json = await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/joined_members", bob)).ShouldBeOkJsonAsync();

        var joined = json.GetProperty("joined");
        joined.EnumerateObject().Select(p => p.Name).ShouldBe([Alice, Bob], ignoreOrder: true);
        joined.GetProperty(Alice).GetProperty("display_name").GetString().ShouldBe("Alice A");
        joined.GetProperty(Alice).GetProperty("avatar_url").GetString().ShouldBe("mxc://example.org/a");
        joined.GetProperty(Bob).TryGetProperty("display_name", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Guests_may_list_members_but_not_joined_members()
    {
        var guest = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat","initial_state":[{"type":"m.room.guest_access","content":{"guest_access":"can_join"}}]}""");
        await Client.JoinAsync(guest, roomId);

        (await MembersAsync(guest, roomId)).Keys.ShouldBe([Alice, "@guest:example.org"], ignoreOrder: true);
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/joined_members", guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task Requests_without_a_token_are_refused()
    {
        var roomId = await Client.CreateRoomAsync(alice);

        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/members", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
