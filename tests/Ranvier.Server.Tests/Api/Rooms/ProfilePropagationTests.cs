using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class ProfilePropagationTests : RoomTestBase
{
    private const string Alice = "@alice:example.org";

    private async Task<string> MemberEventIdAsync(string roomId)
    {
        var ev = await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state/m.room.member/{Alice}?format=event", bob)).ShouldBeOkJsonAsync();
        return ev.GetProperty("event_id").GetString()!;
    }

    [Fact]
    public async Task A_new_display_name_and_avatar_reach_every_joined_room()
    {
        var first = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var second = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, first);
        await Client.JoinAsync(bob, second);

        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/displayname", """{"displayname":"Alice A"}""", alice)).ShouldBeOkJsonAsync();
        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/avatar_url", """{"avatar_url":"mxc://example.org/a"}""", alice)).ShouldBeOkJsonAsync();

        foreach (var roomId in new[] { first, second })
        {
            var member = await Client.GetStateContentAsync(bob, roomId, "m.room.member", Alice);
            member.GetProperty("membership").GetString().ShouldBe("join");
            member.GetProperty("displayname").GetString().ShouldBe("Alice A");
            member.GetProperty("avatar_url").GetString().ShouldBe("mxc://example.org/a");
        }
    }

    [Fact]
    public async Task Removing_the_display_name_removes_it_from_member_events()
    {
        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/displayname", """{"displayname":"Alice A"}""", alice)).ShouldBeOkJsonAsync();
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);

        var delete = new HttpRequestMessage(HttpMethod.Delete, $"{RoomClient.V3}/profile/{Alice}/displayname");
        delete.Headers.Authorization = new("Bearer", alice);
        await (await Client.SendAsync(delete)).ShouldBeOkJsonAsync();

        (await Client.GetStateContentAsync(bob, roomId, "m.room.member", Alice)).TryGetProperty("displayname", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Rooms_the_user_left_and_unrelated_profile_fields_get_no_member_event()
    {
        var left = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var joined = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, left);
        await Client.JoinAsync(bob, joined);
        await Client.LeaveAsync(alice, left);
        var leaveEvent = await MemberEventIdAsync(left);
        var joinEvent = await MemberEventIdAsync(joined);

        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/m.tz", """{"m.tz":"Europe/Paris"}""", alice)).ShouldBeOkJsonAsync();
        (await MemberEventIdAsync(joined)).ShouldBe(joinEvent);

        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/displayname", """{"displayname":"Alice A"}""", alice)).ShouldBeOkJsonAsync();
        (await MemberEventIdAsync(left)).ShouldBe(leaveEvent);
        (await MemberEventIdAsync(joined)).ShouldNotBe(joinEvent);
    }

    [Fact]
    public async Task Setting_the_same_display_name_again_sends_nothing()
    {
        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/displayname", """{"displayname":"Alice A"}""", alice)).ShouldBeOkJsonAsync();
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        var before = await MemberEventIdAsync(roomId);

        await (await Client.PutJsonAsync($"{RoomClient.V3}/profile/{Alice}/displayname", """{"displayname":"Alice A"}""", alice)).ShouldBeOkJsonAsync();

        (await MemberEventIdAsync(roomId)).ShouldBe(before);
    }
}
