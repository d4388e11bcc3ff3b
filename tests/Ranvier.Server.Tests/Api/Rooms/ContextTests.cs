using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Api.Rooms.TimelineClient;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class ContextTests : RoomTestBase
{

    private async Task<(string RoomId, List<string> Sent)> RoomWithMessagesAsync(int count, string preset = "public_chat")
    {
        var roomId = await Client.CreateRoomAsync(alice, $$"""{"preset":"{{preset}}"}""");
        var sent = new List<string>();
        for (var i = 0; i < count; i++)
        {
            sent.Add(await Client.SendTextAsync(alice, roomId, $"m{i}"));
        }

        return (roomId, sent);
    }

    [Fact]
    public async Task Context_splits_the_limit_around_the_event_and_its_tokens_continue_with_messages()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(10);

        var context = await Client.ContextAsync(alice, roomId, sent[5], "limit=5");

        context.GetProperty("event").GetProperty("event_id").GetString().ShouldBe(sent[5]);
        context.GetProperty("events_before").Ids().ShouldBe([sent[4], sent[3]]);
        context.GetProperty("events_after").Ids().ShouldBe([sent[6], sent[7], sent[8]]);
        var before = await Client.MessagesAsync(alice, roomId, $"dir=b&limit=1&from={context.GetProperty("start").GetString()}");
        before.GetProperty("chunk").Ids().ShouldBe([sent[2]]);
        var after = await Client.MessagesAsync(alice, roomId, $"dir=f&limit=5&from={context.GetProperty("end").GetString()}");
        after.GetProperty("chunk").Ids().ShouldBe([sent[9]]);
    }

    [Fact]
    public async Task Limit_zero_returns_just_the_event_and_the_default_is_ten()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(12);

        var bare = await Client.ContextAsync(alice, roomId, sent[6], "limit=0");
        bare.GetProperty("event").GetProperty("event_id").GetString().ShouldBe(sent[6]);
        bare.GetProperty("events_before").GetArrayLength().ShouldBe(0);
        bare.GetProperty("events_after").GetArrayLength().ShouldBe(0);

        var defaults = await Client.ContextAsync(alice, roomId, sent[6]);
        defaults.GetProperty("events_before").GetArrayLength().ShouldBe(5);
        defaults.GetProperty("events_after").Ids().ShouldBe(sent[7..12].ToArray());
    }

    [Fact]
    public async Task State_is_the_room_state_at_the_last_event_returned()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(2);
        await Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"later"}""");

        var context = await Client.ContextAsync(alice, roomId, sent[0], "limit=2");

        context.GetProperty("events_after").Ids().ShouldBe([sent[1]]);
        var types = context.GetProperty("state").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("m.room.create");
        types.ShouldContain("m.room.power_levels");
        types.ShouldNotContain("m.room.topic", "the topic was set after the last event returned");
    }

    [Fact]
    public async Task Lazy_loading_keeps_only_the_members_who_sent_the_returned_events()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(1);
        await Client.JoinAsync(bob, roomId);
        await Client.JoinAsync(carol, roomId);
        var bobs = await Client.SendTextAsync(bob, roomId, "from bob");

        var lazy = await Client.ContextAsync(alice, roomId, bobs, "limit=0" + Filter("""{"lazy_load_members":true}"""));
        var members = lazy.GetProperty("state").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "m.room.member")
            .Select(e => e.GetProperty("state_key").GetString());
        members.ShouldBe(["@bob:example.org"]);
        lazy.GetProperty("state").EnumerateArray().ShouldContain(e => e.GetProperty("type").GetString() == "m.room.create");

        var full = await Client.ContextAsync(alice, roomId, bobs, "limit=0");
        full.GetProperty("state").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "m.room.member").ShouldBe(3);
    }

    [Fact]
    public async Task The_filter_applies_to_the_surrounding_events()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(3);
        await Client.JoinAsync(bob, roomId);
        await Client.SendTextAsync(bob, roomId, "bob");
        await Client.SendTextAsync(alice, roomId, "m3");

        var context = await Client.ContextAsync(alice, roomId, sent[2], "limit=4" + Filter("""{"senders":["@alice:example.org"],"types":["m.room.message"]}"""));

        context.GetProperty("events_before").Bodies().ShouldBe(["m1", "m0"]);
        context.GetProperty("events_after").Bodies().ShouldBe(["m3"]);
    }

    [Fact]
    public async Task Unknown_invisible_and_foreign_events_are_not_found_and_non_members_are_forbidden()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(1, "private_chat");
        await Client.SetStateAsync(alice, roomId, "m.room.history_visibility", "", """{"history_visibility":"joined"}""");
        var old = await Client.SendTextAsync(alice, roomId, "old");
        var (otherRoom, otherSent) = await RoomWithMessagesAsync(1);
        static string Path(string room, string eventId) => $"{RoomClient.Room(room)}/context/{Uri.EscapeDataString(eventId)}";

        await (await Client.GetWithTokenAsync(Path(roomId, "$unknown"), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Client.GetWithTokenAsync(Path(roomId, otherSent[0]), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Client.GetWithTokenAsync(Path(roomId, sent[0]), bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await Client.InviteAsync(alice, roomId, "@bob:example.org");
        await Client.JoinAsync(bob, roomId);
        await (await Client.GetWithTokenAsync(Path(roomId, old), bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await Client.GetWithTokenAsync(Path(roomId, old) + "?limit=x", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }
}
