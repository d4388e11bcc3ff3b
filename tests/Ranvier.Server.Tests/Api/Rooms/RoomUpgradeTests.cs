using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class RoomUpgradeTests : RoomTestBase
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string Carol = "@carol:example.org";

    private Task<HttpResponseMessage> UpgradeAsync(string token, string roomId, string body) =>
        Client.PostJsonAsync($"{RoomClient.Room(roomId)}/upgrade", body, token);

    private async Task<string> UpgradeOkAsync(string token, string roomId, string body) =>
        (await (await UpgradeAsync(token, roomId, body)).ShouldBeOkJsonAsync()).GetProperty("replacement_room").GetString()!;

    private async Task<string> V10RoomAsync() => await Client.CreateRoomAsync(alice, """
        {"room_version":"10","preset":"public_chat","name":"Old","topic":"Talk",
         "initial_state":[{"type":"m.room.history_visibility","content":{"history_visibility":"world_readable"}},
                          {"type":"m.room.encryption","content":{"algorithm":"m.megolm.v1.aes-sha2"}},
                          {"type":"org.example.custom","content":{"x":1}}],
         "power_level_content_override":{"users":{"@alice:example.org":100,"@bob:example.org":20}}}
        """);

    [Fact]
    public async Task Upgrade_to_v12_creates_the_replacement_copies_state_and_tombstones_the_old_room()
    {
        var oldRoom = await V10RoomAsync();
        await Client.JoinAsync(bob, oldRoom);

        var newRoom = await UpgradeOkAsync(alice, oldRoom, """{"new_version":"12"}""");

        newRoom.ShouldNotBe(oldRoom);
        var create = await Client.GetStateContentAsync(alice, newRoom, "m.room.create");
        create.GetProperty("room_version").GetString().ShouldBe("12");
        create.GetProperty("predecessor").GetProperty("room_id").GetString().ShouldBe(oldRoom);
        create.GetProperty("predecessor").TryGetProperty("event_id", out _).ShouldBeFalse("v1.16: optional from v12");
        (await Client.GetStateContentAsync(alice, newRoom, "m.room.name")).GetProperty("name").GetString().ShouldBe("Old");
        (await Client.GetStateContentAsync(alice, newRoom, "m.room.topic")).GetProperty("topic").GetString().ShouldBe("Talk");
        (await Client.GetStateContentAsync(alice, newRoom, "m.room.join_rules")).GetProperty("join_rule").GetString().ShouldBe("public");
        (await Client.GetStateContentAsync(alice, newRoom, "m.room.history_visibility")).GetProperty("history_visibility").GetString().ShouldBe("world_readable");
        (await Client.GetStateContentAsync(alice, newRoom, "m.room.encryption")).GetProperty("algorithm").GetString().ShouldBe("m.megolm.v1.aes-sha2");
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(newRoom)}/state/org.example.custom/", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        var levels = await Client.GetStateContentAsync(alice, newRoom, "m.room.power_levels");
        levels.GetProperty("users").TryGetProperty(Alice, out _).ShouldBeFalse("in v12 the upgrader is the creator and may not be listed");
        levels.GetProperty("users").GetProperty(Bob).GetInt32().ShouldBe(20);
        (await Client.GetStateContentAsync(alice, newRoom, "m.room.member", Alice)).GetProperty("membership").GetString().ShouldBe("join");
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(newRoom)}/state/m.room.member/{Bob}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");

        var tombstone = await Client.GetStateContentAsync(alice, oldRoom, "m.room.tombstone");
        tombstone.GetProperty("replacement_room").GetString().ShouldBe(newRoom);
        tombstone.GetProperty("body").GetString().ShouldNotBeNullOrEmpty();
        var oldLevels = await Client.GetStateContentAsync(alice, oldRoom, "m.room.power_levels");
        oldLevels.GetProperty("events_default").GetInt32().ShouldBe(50);
        oldLevels.GetProperty("invite").GetInt32().ShouldBe(50);
        await (await Client.PutJsonAsync($"{RoomClient.Room(oldRoom)}/send/m.room.message/t1", """{"msgtype":"m.text","body":"hi"}""", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await Client.JoinAsync(bob, newRoom);
    }

    [Fact]
    public async Task Upgrade_to_a_version_before_12_names_the_last_old_event_and_lists_the_creator()
    {
        var oldRoom = await V10RoomAsync();
        var last = await Client.SendTextAsync(alice, oldRoom, "last words");

        var newRoom = await UpgradeOkAsync(alice, oldRoom, """{"new_version":"11"}""");

        var create = await Client.GetStateContentAsync(alice, newRoom, "m.room.create");
        create.GetProperty("room_version").GetString().ShouldBe("11");
        create.GetProperty("predecessor").GetProperty("event_id").GetString().ShouldBe(last);
        (await Client.GetStateContentAsync(alice, newRoom, "m.room.power_levels")).GetProperty("users").GetProperty(Alice).GetInt32().ShouldBe(100);
    }

    [Fact]
    public async Task An_upgrader_below_the_state_levels_is_raised_for_the_copy_and_restored_after()
    {
        var oldRoom = await Client.CreateRoomAsync(alice, """
            {"room_version":"10","preset":"public_chat","name":"Old",
             "power_level_content_override":{"users":{"@alice:example.org":100,"@bob:example.org":60},"events":{"m.room.tombstone":60,"m.room.power_levels":100,"m.room.name":100}}}
            """);
        await Client.JoinAsync(bob, oldRoom);

        var newRoom = await UpgradeOkAsync(bob, oldRoom, """{"new_version":"10"}""");

        (await Client.GetStateContentAsync(bob, newRoom, "m.room.name")).GetProperty("name").GetString().ShouldBe("Old");
        var levels = await Client.GetStateContentAsync(bob, newRoom, "m.room.power_levels");
        levels.GetProperty("users").GetProperty(Bob).GetInt32().ShouldBe(60);
        levels.GetProperty("users").GetProperty(Alice).GetInt32().ShouldBe(100);
        (await Client.GetStateContentAsync(bob, oldRoom, "m.room.tombstone")).GetProperty("replacement_room").GetString().ShouldBe(newRoom);
        (await Client.GetStateContentAsync(bob, oldRoom, "m.room.power_levels")).GetProperty("events_default").GetInt32()
            .ShouldBe(0, "bob may not change the old room's power levels, so the restriction is skipped");
    }

    [Fact]
    public async Task Additional_creators_are_set_on_a_v12_replacement()
    {
        var oldRoom = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");

        var newRoom = await UpgradeOkAsync(alice, oldRoom, $$"""{"new_version":"12","additional_creators":["{{Bob}}"]}""");

        var creators = (await Client.GetStateContentAsync(alice, newRoom, "m.room.create")).GetProperty("additional_creators");
        creators.EnumerateArray().Select(c => c.GetString()).ShouldBe([Bob]);
        await (await UpgradeAsync(alice, newRoom, """{"new_version":"12","additional_creators":["bob"]}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await UpgradeAsync(alice, newRoom, """{"new_version":"12","additional_creators":"@bob:example.org"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Bans_carry_over_and_restricted_allow_lists_follow_the_room()
    {
        var oldRoom = await Client.CreateRoomAsync(alice, """{"room_version":"10","preset":"public_chat"}""");
        await Client.SetStateAsync(alice, oldRoom, "m.room.join_rules", "", JsonSerializer.Serialize(new
        {
            join_rule = "restricted",
            allow = new[] { new { type = "m.room_membership", room_id = oldRoom } },
        }));
        await (await Client.PostJsonAsync($"{RoomClient.Room(oldRoom)}/ban", JsonSerializer.Serialize(new { user_id = Carol, reason = "spam" }), alice)).ShouldBeOkJsonAsync();

        var newRoom = await UpgradeOkAsync(alice, oldRoom, """{"new_version":"12"}""");

        var ban = await Client.GetStateContentAsync(alice, newRoom, "m.room.member", Carol);
        ban.GetProperty("membership").GetString().ShouldBe("ban");
        ban.GetProperty("reason").GetString().ShouldBe("spam");
        var rules = await Client.GetStateContentAsync(alice, newRoom, "m.room.join_rules");
        rules.GetProperty("allow")[0].GetProperty("room_id").GetString().ShouldBe(newRoom);
    }

    [Fact]
    public async Task Upgrade_needs_the_power_to_send_a_tombstone_and_membership()
    {
        var oldRoom = await V10RoomAsync();
        await Client.JoinAsync(bob, oldRoom);

        await (await UpgradeAsync(bob, oldRoom, """{"new_version":"12"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await UpgradeAsync(carol, oldRoom, """{"new_version":"12"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await Client.GetWithTokenAsync($"{RoomClient.Room(oldRoom)}/state/m.room.tombstone", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await (await Client.GetWithTokenAsync($"{RoomClient.V3}/joined_rooms", alice)).ShouldBeOkJsonAsync())
            .GetProperty("joined_rooms").GetArrayLength().ShouldBe(1, "a refused upgrade creates no room");
    }

    [Fact]
    public async Task Local_aliases_the_canonical_alias_and_the_directory_listing_move_to_the_replacement()
    {
        var old = await Client.CreateRoomAsync(alice, """{"room_version":"10","preset":"public_chat","visibility":"public","room_alias_name":"pub"}""");
        await Client.CreateAliasAsync(alice, "#other:example.org", old);

        var replacement = await UpgradeOkAsync(alice, old, """{"new_version":"12"}""");

        (await Client.ResolveAliasAsync("#pub:example.org")).ShouldBe(replacement);
        (await Client.ResolveAliasAsync("#other:example.org")).ShouldBe(replacement);
        (await Client.GetStateContentAsync(alice, replacement, "m.room.canonical_alias")).GetProperty("alias").GetString().ShouldBe("#pub:example.org");
        (await Client.GetStateContentAsync(alice, old, "m.room.canonical_alias")).TryGetProperty("alias", out _).ShouldBeFalse();
        (await Client.GetVisibilityAsync(replacement)).ShouldBe("public");
        (await Client.GetVisibilityAsync(old)).ShouldBe("private");
    }

    [Fact]
    public async Task Bad_requests_get_the_spec_errcodes()
    {
        var oldRoom = await V10RoomAsync();
        var guest = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);

        await (await UpgradeAsync(alice, oldRoom, """{"new_version":"99"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNSUPPORTED_ROOM_VERSION");
        await (await UpgradeAsync(alice, oldRoom, "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await (await UpgradeAsync(alice, oldRoom, """{"new_version":12}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        await (await UpgradeAsync(alice, "!nowhere:example.org", """{"new_version":"12"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await UpgradeAsync(guest, oldRoom, """{"new_version":"12"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }
}
