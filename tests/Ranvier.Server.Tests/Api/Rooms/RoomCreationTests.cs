using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class RoomCreationTests : RoomTestBase
{

    private async Task<JsonElement[]> StateAsync(string token, string roomId) =>
        (await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state", token)).ShouldBeOkJsonAsync()).EnumerateArray().ToArray();

    [Fact]
    public async Task Default_room_is_version_12_private_with_the_creator_joined()
    {
        var roomId = await host.Client.CreateRoomAsync(alice);

        var create = await host.Client.GetStateContentAsync(alice, roomId, "m.room.create");
        create.GetProperty("room_version").GetString().ShouldBe("12");
        create.TryGetProperty("creator", out _).ShouldBeFalse();
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.member", "@alice:example.org")).GetProperty("membership").GetString().ShouldBe("join");
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.join_rules")).GetProperty("join_rule").GetString().ShouldBe("invite");
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.history_visibility")).GetProperty("history_visibility").GetString().ShouldBe("shared");
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.guest_access")).GetProperty("guest_access").GetString().ShouldBe("can_join");
        var levels = await host.Client.GetStateContentAsync(alice, roomId, "m.room.power_levels");
        levels.GetProperty("users").EnumerateObject().ShouldBeEmpty("v12 creators have infinite power and are not listed");
        levels.GetProperty("events").GetProperty("m.room.tombstone").GetInt32().ShouldBe(150);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("6")]
    [InlineData("10")]
    [InlineData("11")]
    public async Task Every_room_version_can_be_created_and_used(string version)
    {
        var roomId = await host.Client.CreateRoomAsync(alice, $$"""{"room_version":"{{version}}","preset":"public_chat","name":"v{{version}}"}""");

        var create = await host.Client.GetStateContentAsync(alice, roomId, "m.room.create");
        create.GetProperty("room_version").GetString().ShouldBe(version);
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.power_levels")).GetProperty("users").GetProperty("@alice:example.org").GetInt32().ShouldBe(100);
        await host.Client.JoinAsync(bob, roomId);
        var eventId = await host.Client.SendTextAsync(bob, roomId, "hello");
        var ev = await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/event/{Uri.EscapeDataString(eventId)}", alice)).ShouldBeOkJsonAsync();
        ev.GetProperty("content").GetProperty("body").GetString().ShouldBe("hello");
        ev.GetProperty("sender").GetString().ShouldBe("@bob:example.org");
    }

    [Fact]
    public async Task Public_preset_name_topic_and_initial_state_are_applied_in_order()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """
            {"preset":"public_chat","name":"Pub","topic":"Drinks",
             "initial_state":[{"type":"m.room.name","content":{"name":"overridden"}},
                              {"type":"m.room.history_visibility","content":{"history_visibility":"world_readable"}},
                              {"type":"org.example.custom","state_key":"k","content":{"x":1}}],
             "power_level_content_override":{"events_default":10}}
            """);

        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.name")).GetProperty("name").GetString().ShouldBe("Pub");
        var topic = await host.Client.GetStateContentAsync(alice, roomId, "m.room.topic");
        topic.GetProperty("topic").GetString().ShouldBe("Drinks");
        topic.GetProperty("m.topic").GetProperty("m.text")[0].GetProperty("mimetype").GetString().ShouldBe("text/plain");
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.join_rules")).GetProperty("join_rule").GetString().ShouldBe("public");
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.history_visibility")).GetProperty("history_visibility").GetString().ShouldBe("world_readable");
        (await host.Client.GetStateContentAsync(alice, roomId, "org.example.custom", "k")).GetProperty("x").GetInt32().ShouldBe(1);
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.power_levels")).GetProperty("events_default").GetInt32().ShouldBe(10);
        var types = (await StateAsync(alice, roomId)).Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("m.room.guest_access");
    }

    [Fact]
    public async Task Invitees_are_invited_and_trusted_private_chat_makes_them_creators_in_v12()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"trusted_private_chat","invite":["@bob:example.org"],"is_direct":true}""");

        var invite = await host.Client.GetStateContentAsync(alice, roomId, "m.room.member", "@bob:example.org");
        invite.GetProperty("membership").GetString().ShouldBe("invite");
        invite.GetProperty("is_direct").GetBoolean().ShouldBeTrue();
        var create = await host.Client.GetStateContentAsync(alice, roomId, "m.room.create");
        create.GetProperty("additional_creators").EnumerateArray().Select(e => e.GetString()).ShouldBe(["@bob:example.org"]);
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.SetStateAsync(bob, roomId, "m.room.name", "", """{"name":"bob can"}""");
    }

    [Fact]
    public async Task Trusted_private_chat_before_v12_gives_invitees_power_100()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"trusted_private_chat","invite":["@bob:example.org"],"room_version":"11"}""");
        var levels = await host.Client.GetStateContentAsync(alice, roomId, "m.room.power_levels");
        levels.GetProperty("users").GetProperty("@bob:example.org").GetInt32().ShouldBe(100);
    }

    [Theory]
    [InlineData("""{"room_version":"99"}""", HttpStatusCode.BadRequest, "M_UNSUPPORTED_ROOM_VERSION")]
    [InlineData("""{"preset":"party"}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("""{"visibility":"secret"}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("""{"invite":["not-a-user"]}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("""{"invite":"@bob:example.org"}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"invite":["@nobody:example.org"]}""", HttpStatusCode.NotFound, "M_NOT_FOUND")]
    [InlineData("""{"initial_state":[{"type":"m.room.member","state_key":"@bob:example.org","content":{"membership":"join"}}]}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("""{"initial_state":[{"type":"x"}]}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"name":5}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"power_level_content_override":{"state_default":200,"users":{}},"room_version":"11","name":"x"}""", HttpStatusCode.BadRequest, "M_INVALID_ROOM_STATE")]
    public async Task Bad_requests_are_refused_and_create_no_room(string body, HttpStatusCode status, string errcode)
    {
        await (await host.Client.PostJsonAsync($"{RoomClient.V3}/createRoom", body, alice)).ShouldBeMatrixErrorAsync(status, errcode);

        var joined = await (await host.Client.GetWithTokenAsync($"{RoomClient.V3}/joined_rooms", alice)).ShouldBeOkJsonAsync();
        joined.GetProperty("joined_rooms").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Create_room_needs_an_access_token_and_refuses_non_json()
    {
        await (await host.Client.PostJsonAsync($"{RoomClient.V3}/createRoom", "{}")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await host.Client.PostJsonAsync($"{RoomClient.V3}/createRoom", "not json", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_NOT_JSON");
    }
}
