using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Api.Rooms.TimelineClient;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class MessagesTests : RoomTestBase
{

    private async Task<(string RoomId, List<string> Sent)> RoomWithMessagesAsync(int count)
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        var sent = new List<string>();
        for (var i = 0; i < count; i++)
        {
            sent.Add(await Client.SendTextAsync(i % 2 == 0 ? alice : bob, roomId, $"m{i}"));
        }

        return (roomId, sent);
    }

    [Fact]
    public async Task Backwards_from_the_end_is_newest_first_and_reaches_the_create_event()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(5);

        var page = await Client.MessagesAsync(alice, roomId, "dir=b&limit=3");

        page.GetProperty("chunk").Ids().ShouldBe([sent[4], sent[3], sent[2]]);
        page.GetProperty("start").GetString().ShouldNotBeNullOrEmpty();
        page.GetProperty("end").GetString().ShouldNotBeNullOrEmpty();
        page.TryGetProperty("state", out _).ShouldBeFalse();
        var first = page.GetProperty("chunk")[0];
        first.GetProperty("room_id").GetString().ShouldBe(roomId);
        first.GetProperty("unsigned").GetProperty("age").GetInt64().ShouldBeGreaterThanOrEqualTo(0);

        var all = await Client.AllBackwardsAsync(alice, roomId, limit: 4);
        all.Bodies().ShouldBe(["m4", "m3", "m2", "m1", "m0"]);
        all[^1].GetProperty("type").GetString().ShouldBe("m.room.create");
        all.Ids().ShouldBeUnique();
    }

    [Fact]
    public async Task Forwards_without_from_starts_at_the_room_creation_and_omits_end_at_the_last_event()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(3);

        var page = await Client.MessagesAsync(alice, roomId, "dir=f&limit=1000");

        var chunk = page.GetProperty("chunk").EnumerateArray().ToList();
        chunk[0].GetProperty("type").GetString().ShouldBe("m.room.create");
        chunk.Ids()[^3..].ShouldBe(sent);
        page.TryGetProperty("end", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Tokens_round_trip_a_page_backwards_then_forwards_and_to_bounds_a_page()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(8);

        var newest = await Client.MessagesAsync(alice, roomId, "dir=b&limit=3");
        var end = newest.GetProperty("end").GetString()!;
        var start = newest.GetProperty("start").GetString()!;

        // Forwards from the end of a backwards page reads that page again, oldest first.
        var again = await Client.MessagesAsync(alice, roomId, $"dir=f&limit=3&from={end}");
        again.GetProperty("chunk").Ids().ShouldBe([sent[5], sent[6], sent[7]]);

        // Backwards from the start of the room's newest page, bounded by its end: exactly that page.
        var bounded = await Client.MessagesAsync(alice, roomId, $"dir=b&limit=10&from={start}&to={end}");
        bounded.GetProperty("chunk").Ids().ShouldBe([sent[7], sent[6], sent[5]]);
        bounded.GetProperty("start").GetString().ShouldBe(start);
    }

    [Fact]
    public async Task Stream_tokens_are_accepted_as_from()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(2);

        (await Client.MessagesAsync(alice, roomId, "dir=b&limit=2&from=s999999")).GetProperty("chunk").Ids().ShouldBe([sent[1], sent[0]]);
        (await Client.MessagesAsync(alice, roomId, "dir=f&limit=1&from=s0")).GetProperty("chunk")[0].GetProperty("type").GetString().ShouldBe("m.room.create");
    }

    [Fact]
    public async Task A_thousand_message_room_pages_without_gaps_or_duplicates_in_both_directions()
    {
        var (roomId, sent) = await RoomWithMessagesAsync(1_000);

        var backwards = await Client.AllBackwardsAsync(alice, roomId, limit: 37);
        var backwardIds = backwards.Where(e => e.GetProperty("type").GetString() == "m.room.message").Ids();
        backwardIds.ShouldBe(Enumerable.Reverse(sent).ToArray());
        backwards.Ids().ShouldBeUnique();

        var forwards = new List<string>();
        var query = "dir=f&limit=37" + Filter("""{"types":["m.room.message"]}""");
        while (true)
        {
            var page = await Client.MessagesAsync(bob, roomId, query);
            page.GetProperty("chunk").GetArrayLength().ShouldBeLessThanOrEqualTo(37);
            forwards.AddRange(page.GetProperty("chunk").Ids());
            if (!page.TryGetProperty("end", out var end))
            {
                break;
            }

            query = $"dir=f&limit=37&from={end.GetString()}" + Filter("""{"types":["m.room.message"]}""");
        }

        forwards.ShouldBe(sent);
    }

    [Fact]
    public async Task Filters_select_by_type_sender_and_url()
    {
        var (roomId, _) = await RoomWithMessagesAsync(4);
        await Client.SendEventAsync(alice, roomId, "m.room.message", """{"msgtype":"m.image","body":"pic","url":"mxc://example.org/abc"}""");
        await Client.SendEventAsync(alice, roomId, "org.example.custom", """{"x":1}""");

        (await Client.MessagesAsync(alice, roomId, "dir=b&limit=100" + Filter("""{"types":["m.room.message"],"senders":["@bob:example.org"]}""")))
            .GetProperty("chunk").Bodies().ShouldBe(["m3", "m1"]);
        (await Client.MessagesAsync(alice, roomId, "dir=b&limit=100" + Filter("""{"contains_url":true}"""))).GetProperty("chunk").Bodies().ShouldBe(["pic"]);
        var noMessages = await Client.MessagesAsync(alice, roomId, "dir=b&limit=100" + Filter("""{"not_types":["m.room.*"]}"""));
        noMessages.GetProperty("chunk").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ShouldBe(["org.example.custom"]);
        var wildcard = await Client.MessagesAsync(alice, roomId, "dir=b&limit=3" + Filter("""{"types":["m.room.mess*"],"not_senders":["@alice:example.org"]}"""));
        wildcard.GetProperty("chunk").Bodies().ShouldBe(["m3", "m1"]);
    }

    [Fact]
    public async Task Lazy_loading_returns_the_member_events_of_the_chunk_senders()
    {
        var (roomId, _) = await RoomWithMessagesAsync(4);
        await Client.JoinAsync(carol, roomId);

        var page = await Client.MessagesAsync(alice, roomId, "dir=b&limit=2" + Filter("""{"lazy_load_members":true,"types":["m.room.message"]}"""));

        var state = page.GetProperty("state").EnumerateArray().ToList();
        state.Select(e => e.GetProperty("state_key").GetString()).ShouldBe(["@bob:example.org", "@alice:example.org"], ignoreOrder: true);
        state.ShouldAllBe(e => e.GetProperty("type").GetString() == "m.room.member" && e.GetProperty("content").GetProperty("membership").GetString() == "join");

        var redundant = await Client.MessagesAsync(alice, roomId, "dir=b&limit=2" + Filter("""{"lazy_load_members":true,"include_redundant_members":true,"types":["m.room.message"]}"""));
        redundant.GetProperty("state").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Non_members_are_forbidden_and_unknown_rooms_too()
    {
        var (roomId, _) = await RoomWithMessagesAsync(1);

        await (await Client.GetWithTokenAsync(MessagesPath(roomId, "dir=b"), carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await Client.GetWithTokenAsync(MessagesPath("!nowhere:example.org", "dir=b"), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await Client.GetWithTokenAsync(MessagesPath(roomId, "dir=b"), null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("limit=5", "M_MISSING_PARAM")]
    [InlineData("dir=x", "M_INVALID_PARAM")]
    [InlineData("dir=b&from=nonsense", "M_INVALID_PARAM")]
    [InlineData("dir=b&from=t5", "M_INVALID_PARAM")]
    [InlineData("dir=b&from=s-1", "M_INVALID_PARAM")]
    [InlineData("dir=f&to=t1_x", "M_INVALID_PARAM")]
    [InlineData("dir=b&limit=-1", "M_INVALID_PARAM")]
    [InlineData("dir=b&limit=ten", "M_INVALID_PARAM")]
    [InlineData("dir=b&filter=%7Bnot%20json", "M_INVALID_PARAM")]
    [InlineData("dir=b&filter=%5B%5D", "M_INVALID_PARAM")]
    [InlineData("dir=b&filter=%7B%22senders%22%3A%22x%22%7D", "M_BAD_JSON")]
    public async Task Bad_parameters_are_refused(string query, string errcode)
    {
        var (roomId, _) = await RoomWithMessagesAsync(1);

        await (await Client.GetWithTokenAsync(MessagesPath(roomId, query), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
    }

    [Fact]
    public async Task Huge_limits_are_capped()
    {
        var (roomId, _) = await RoomWithMessagesAsync(2);

        var page = await Client.MessagesAsync(alice, roomId, "dir=b&limit=99999999999");

        page.GetProperty("chunk").Bodies().ShouldBe(["m1", "m0"]);
        page.TryGetProperty("end", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task State_events_in_the_timeline_carry_prev_content()
    {
        var (roomId, _) = await RoomWithMessagesAsync(0);
        await Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"one"}""");
        await Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"two"}""");

        var page = await Client.MessagesAsync(alice, roomId, "dir=b&limit=1");

        var topic = page.GetProperty("chunk")[0];
        topic.GetProperty("content").GetProperty("topic").GetString().ShouldBe("two");
        topic.GetProperty("unsigned").GetProperty("prev_content").GetProperty("topic").GetString().ShouldBe("one");
        JsonSerializer.Serialize(topic).ShouldNotContain("\"hashes\"");
    }
}
