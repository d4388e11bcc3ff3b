using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class MembershipTests : RoomTestBase
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string Carol = "@carol:example.org";

    private Task<HttpResponseMessage> PostAsync(string token, string roomId, string action, object body) =>
        Client.PostJsonAsync($"{RoomClient.Room(roomId)}/{action}", JsonSerializer.Serialize(body), token);

    private async Task<JsonElement> MemberAsync(string roomId, string userId) =>
        await Client.GetStateContentAsync(alice, roomId, "m.room.member", userId);

    private async Task<string> PublicRoomWithBobAsync(string extra = "")
    {
        var roomId = await Client.CreateRoomAsync(alice, $$"""{"preset":"public_chat"{{extra}}}""");
        await Client.JoinAsync(bob, roomId);
        return roomId;
    }

    [Fact]
    public async Task Kick_makes_the_member_leave_with_the_reason()
    {
        var roomId = await PublicRoomWithBobAsync();

        await (await PostAsync(alice, roomId, "kick", new { user_id = Bob, reason = "spam" })).ShouldBeOkJsonAsync();

        var member = await MemberAsync(roomId, Bob);
        member.GetProperty("membership").GetString().ShouldBe("leave");
        member.GetProperty("reason").GetString().ShouldBe("spam");
        var ev = await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state/m.room.member/{Bob}?format=event", alice)).ShouldBeOkJsonAsync();
        ev.GetProperty("sender").GetString().ShouldBe(Alice);
    }

    [Fact]
    public async Task Kick_withdraws_an_invite()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        await Client.InviteAsync(alice, roomId, Bob);

        await (await PostAsync(alice, roomId, "kick", new { user_id = Bob })).ShouldBeOkJsonAsync();

        (await MemberAsync(roomId, Bob)).GetProperty("membership").GetString().ShouldBe("leave");
        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Kick_needs_the_kick_power_level()
    {
        var roomId = await PublicRoomWithBobAsync();
        await Client.JoinAsync(carol, roomId);

        await (await PostAsync(bob, roomId, "kick", new { user_id = Carol })).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await MemberAsync(roomId, Carol)).GetProperty("membership").GetString().ShouldBe("join");
    }

    [Fact]
    public async Task Kick_of_a_user_not_in_the_room_is_forbidden()
    {
        var roomId = await PublicRoomWithBobAsync();

        await (await PostAsync(alice, roomId, "kick", new { user_id = Carol })).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Kick_by_a_non_member_is_forbidden()
    {
        var roomId = await PublicRoomWithBobAsync();

        await (await PostAsync(carol, roomId, "kick", new { user_id = Bob })).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Theory]
    [InlineData("kick")]
    [InlineData("ban")]
    [InlineData("unban")]
    public async Task Bad_bodies_get_the_matching_errcodes(string action)
    {
        var roomId = await PublicRoomWithBobAsync();
        var path = $"{RoomClient.Room(roomId)}/{action}";

        await (await Client.PostJsonAsync(path, "{}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await (await Client.PostJsonAsync(path, """{"user_id":42}""", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        await (await Client.PostJsonAsync(path, """{"user_id":"bob"}""", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await Client.PostJsonAsync(path, """{"user_id":"@bob:example.org","reason":1}""", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        await (await Client.PostJsonAsync(path, "not json", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_NOT_JSON");
    }

    [Theory]
    [InlineData("kick")]
    [InlineData("ban")]
    [InlineData("unban")]
    public async Task Unknown_rooms_are_not_found(string action)
    {
        await (await PostAsync(alice, "!nowhere:example.org", action, new { user_id = Bob })).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Banned_users_cannot_join_until_unbanned()
    {
        var roomId = await PublicRoomWithBobAsync();

        await (await PostAsync(alice, roomId, "ban", new { user_id = Bob, reason = "rude" })).ShouldBeOkJsonAsync();
        var member = await MemberAsync(roomId, Bob);
        member.GetProperty("membership").GetString().ShouldBe("ban");
        member.GetProperty("reason").GetString().ShouldBe("rude");
        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await (await PostAsync(alice, roomId, "unban", new { user_id = Bob, reason = "forgiven" })).ShouldBeOkJsonAsync();
        member = await MemberAsync(roomId, Bob);
        member.GetProperty("membership").GetString().ShouldBe("leave");
        member.GetProperty("reason").GetString().ShouldBe("forgiven");
        await Client.JoinAsync(bob, roomId);
    }

    [Fact]
    public async Task A_user_who_never_joined_can_be_banned()
    {
        var roomId = await PublicRoomWithBobAsync();

        await (await PostAsync(alice, roomId, "ban", new { user_id = Carol })).ShouldBeOkJsonAsync();

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/join", "{}", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Ban_and_unban_need_the_ban_power_level()
    {
        var roomId = await PublicRoomWithBobAsync();
        await Client.JoinAsync(carol, roomId);
        await (await PostAsync(bob, roomId, "ban", new { user_id = Carol })).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await (await PostAsync(alice, roomId, "ban", new { user_id = Carol })).ShouldBeOkJsonAsync();
        await (await PostAsync(bob, roomId, "unban", new { user_id = Carol })).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await MemberAsync(roomId, Carol)).GetProperty("membership").GetString().ShouldBe("ban");
    }

    [Fact]
    public async Task Unban_of_a_user_who_is_not_banned_is_forbidden()
    {
        var roomId = await PublicRoomWithBobAsync();

        await (await PostAsync(alice, roomId, "unban", new { user_id = Bob })).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await MemberAsync(roomId, Bob)).GetProperty("membership").GetString().ShouldBe("join");
    }

    [Fact]
    public async Task Knock_on_a_knock_room_then_the_invite_lets_the_user_join()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"room_version":"10","initial_state":[{"type":"m.room.join_rules","content":{"join_rule":"knock"}}]}""");

        var knock = await (await Client.PostJsonAsync($"{RoomClient.V3}/knock/{Uri.EscapeDataString(roomId)}", """{"reason":"let me in"}""", bob)).ShouldBeOkJsonAsync();

        knock.GetProperty("room_id").GetString().ShouldBe(roomId);
        var member = await MemberAsync(roomId, Bob);
        member.GetProperty("membership").GetString().ShouldBe("knock");
        member.GetProperty("reason").GetString().ShouldBe("let me in");
        await Client.InviteAsync(alice, roomId, Bob);
        await Client.JoinAsync(bob, roomId);
    }

    [Fact]
    public async Task Knock_is_refused_where_the_join_rule_or_the_version_does_not_allow_it()
    {
        var inviteOnly = await Client.CreateRoomAsync(alice);
        var v6 = await Client.CreateRoomAsync(alice, """{"room_version":"6","initial_state":[{"type":"m.room.join_rules","content":{"join_rule":"knock"}}]}""");
        var knockRoom = await Client.CreateRoomAsync(alice, """{"initial_state":[{"type":"m.room.join_rules","content":{"join_rule":"knock"}}]}""");

        await (await Client.PostJsonAsync($"{RoomClient.V3}/knock/{Uri.EscapeDataString(inviteOnly)}", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await Client.PostJsonAsync($"{RoomClient.V3}/knock/{Uri.EscapeDataString(v6)}", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await Client.PostJsonAsync($"{RoomClient.V3}/knock/{Uri.EscapeDataString(knockRoom)}", "{}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Knock_on_an_alias_or_unknown_room_is_not_found()
    {
        await (await Client.PostJsonAsync($"{RoomClient.V3}/knock/{Uri.EscapeDataString("#room:example.org")}", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Client.PostJsonAsync($"{RoomClient.V3}/knock/{Uri.EscapeDataString("!nowhere:example.org")}", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Client.PostJsonAsync($"{RoomClient.V3}/knock/not-a-room", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Invite_only_rooms_admit_invited_users_only()
    {
        var roomId = await Client.CreateRoomAsync(alice);

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await Client.InviteAsync(alice, roomId, Bob);
        await Client.JoinAsync(bob, roomId);
    }

    [Fact]
    public async Task Leave_of_a_room_one_was_never_in_is_forbidden()
    {
        var roomId = await Client.CreateRoomAsync(alice);

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/leave", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Forget_needs_the_user_to_have_left()
    {
        var roomId = await PublicRoomWithBobAsync();

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/forget", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
        await (await Client.PostJsonAsync($"{RoomClient.Room("!nowhere:example.org")}/forget", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/forget", "{}", carol)).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task A_forgotten_room_is_unreadable_until_the_user_joins_again()
    {
        var roomId = await PublicRoomWithBobAsync();
        await Client.LeaveAsync(bob, roomId);
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state", bob)).ShouldBeOkJsonAsync();

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/forget", "{}", bob)).ShouldBeOkJsonAsync();

        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await Client.JoinAsync(bob, roomId);
        await Client.LeaveAsync(bob, roomId);
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state", bob)).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task Restricted_room_admits_members_of_an_allowed_room_authorised_by_a_local_inviter()
    {
        var space = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var roomId = await Client.CreateRoomAsync(alice, $$$"""
            {"initial_state":[{"type":"m.room.join_rules","content":{"join_rule":"restricted","allow":[{"type":"m.room_membership","room_id":"{{{space}}}"}]}}]}
            """);

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await Client.JoinAsync(bob, space);
        await Client.JoinAsync(bob, roomId);

        var member = await MemberAsync(roomId, Bob);
        member.GetProperty("membership").GetString().ShouldBe("join");
        member.GetProperty("join_authorised_via_users_server").GetString().ShouldBe(Alice);
    }

    [Fact]
    public async Task Restricted_join_is_refused_when_no_local_member_may_invite()
    {
        var space = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var roomId = await Client.CreateRoomAsync(alice, $$$"""
            {"room_version":"10","power_level_content_override":{"invite":200},
             "initial_state":[{"type":"m.room.join_rules","content":{"join_rule":"restricted","allow":[{"type":"m.room_membership","room_id":"{{{space}}}"}]}}]}
            """);
        await Client.JoinAsync(bob, space);

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Restricted_join_rule_admits_nobody_in_a_version_before_8()
    {
        var space = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var roomId = await Client.CreateRoomAsync(alice, $$$"""
            {"room_version":"7","initial_state":[{"type":"m.room.join_rules","content":{"join_rule":"restricted","allow":[{"type":"m.room_membership","room_id":"{{{space}}}"}]}}]}
            """);
        await Client.JoinAsync(bob, space);

        await (await Client.PostJsonAsync($"{RoomClient.Room(roomId)}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Guests_join_only_rooms_with_guest_access_can_join_and_cannot_kick()
    {
        var guest = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);
        var publicRoom = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var guestRoom = await Client.CreateRoomAsync(alice, """{"preset":"public_chat","initial_state":[{"type":"m.room.guest_access","content":{"guest_access":"can_join"}}]}""");

        await (await Client.PostJsonAsync($"{RoomClient.Room(publicRoom)}/join", "{}", guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await Client.JoinAsync(guest, guestRoom);
        await (await PostAsync(guest, guestRoom, "kick", new { user_id = Alice })).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await (await Client.PostJsonAsync($"{RoomClient.Room(guestRoom)}/forget", "{}", guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }
}
