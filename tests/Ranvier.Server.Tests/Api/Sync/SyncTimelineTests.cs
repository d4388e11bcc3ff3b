using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Sync;

/// <summary>Sync timelines: gaps (limited, prev_batch, state in the gap), redactions, transaction IDs, state_after, restarts.</summary>
public sealed class SyncTimelineTests : RoomTestBase
{
    [Fact]
    public async Task A_gap_gives_a_limited_timeline_whose_prev_batch_continues_in_messages_without_loss()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        var first = await Client.SyncAsync(alice);
        var sent = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            sent.Add(await Client.SendTextAsync(alice, roomId, $"m{i}"));
        }

        var sync = await Client.SyncAsync(alice, since: first.NextBatch());

        var room = sync.RequireRoom(roomId);
        room.GetProperty("timeline").GetProperty("limited").GetBoolean().ShouldBeTrue();
        room.TimelineIds().ShouldBe(sent[^10..]);
        var prevBatch = room.GetProperty("timeline").GetProperty("prev_batch").GetString()!;
        var page = await (await Client.GetWithTokenAsync(
            $"{RoomClient.Room(roomId)}/messages?dir=b&limit=15&from={Uri.EscapeDataString(prevBatch)}", alice)).ShouldBeOkJsonAsync();
        var older = page.GetProperty("chunk").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).Reverse().ToList();
        older.Concat(room.TimelineIds()).ShouldBe(sent);
    }

    [Fact]
    public async Task Every_reader_gets_an_event_shaped_as_the_event_endpoint_serves_it_without_room_id()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        await Client.JoinAsync(carol, roomId);
        var bobFirst = await Client.SyncAsync(bob);
        var carolFirst = await Client.SyncAsync(carol);
        var sent = await Client.SendTextAsync(alice, roomId, "héllo \"world\" \u2603");

        var served = await (await Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/event/{Uri.EscapeDataString(sent)}", bob)).ShouldBeOkJsonAsync();
        foreach (var (token, since) in new[] { (bob, bobFirst.NextBatch()), (carol, carolFirst.NextBatch()), (bob, bobFirst.NextBatch()) })
        {
            var synced = (await Client.SyncAsync(token, since: since)).RequireRoom(roomId).Events("timeline").Single(e => e.GetProperty("event_id").GetString() == sent);
            var names = synced.EnumerateObject().Select(p => p.Name).ToList();
            names.ShouldBe(served.EnumerateObject().Select(p => p.Name).Where(n => n != "room_id").ToList());
            foreach (var name in names.Where(n => n != "unsigned"))
            {
                synced.GetProperty(name).GetRawText().ShouldBe(served.GetProperty(name).GetRawText(), name);
            }

            synced.GetProperty("unsigned").EnumerateObject().Select(p => p.Name).ShouldBe(["age"]);
            synced.GetProperty("unsigned").GetProperty("age").GetInt64().ShouldBeGreaterThanOrEqualTo(0);
        }
    }

    [Fact]
    public async Task An_initial_sync_of_a_long_room_is_limited_and_its_prev_batch_reaches_the_start()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        for (var i = 0; i < 15; i++)
        {
            await Client.SendTextAsync(alice, roomId, $"m{i}");
        }

        var room = (await Client.SyncAsync(alice)).RequireRoom(roomId);

        room.GetProperty("timeline").GetProperty("limited").GetBoolean().ShouldBeTrue();
        var prevBatch = room.GetProperty("timeline").GetProperty("prev_batch").GetString()!;
        var page = await (await Client.GetWithTokenAsync(
            $"{RoomClient.Room(roomId)}/messages?dir=b&limit=100&from={Uri.EscapeDataString(prevBatch)}", alice)).ShouldBeOkJsonAsync();
        var older = page.GetProperty("chunk").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).ToList();
        page.GetProperty("chunk")[older.Count - 1].GetProperty("type").GetString().ShouldBe("m.room.create");
        older.Intersect(room.TimelineIds()).ShouldBeEmpty();
    }

    [Fact]
    public async Task State_changed_in_the_gap_is_in_state_and_not_in_the_timeline()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"name":"Old name"}""");
        var first = await Client.SyncAsync(alice);
        var rename = await Client.SetStateAsync(alice, roomId, "m.room.name", "", """{"name":"New name"}""");
        for (var i = 0; i < 12; i++)
        {
            await Client.SendTextAsync(alice, roomId, $"m{i}");
        }

        var room = (await Client.SyncAsync(alice, since: first.NextBatch())).RequireRoom(roomId);

        room.GetProperty("timeline").GetProperty("limited").GetBoolean().ShouldBeTrue();
        room.TimelineIds().ShouldNotContain(rename);
        var name = room.Events("state").Single(e => e.GetProperty("type").GetString() == "m.room.name");
        name.GetProperty("event_id").GetString().ShouldBe(rename);
        name.GetProperty("content").GetProperty("name").GetString().ShouldBe("New name");
        room.Events("state").ShouldNotContain(e => e.GetProperty("type").GetString() == "m.room.create");
    }

    [Fact]
    public async Task A_redaction_after_delivery_arrives_and_the_event_is_served_redacted_afterwards()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        var secret = await Client.SendTextAsync(alice, roomId, "oops, a password");
        var first = await Client.SyncAsync(alice);
        first.RequireRoom(roomId).TimelineIds().ShouldContain(secret);
        await (await Client.PutJsonAsync($"{RoomClient.Room(roomId)}/redact/{Uri.EscapeDataString(secret)}/{RoomClient.NextTxnId()}", "{}", alice)).ShouldBeOkJsonAsync();

        var next = await Client.SyncAsync(alice, since: first.NextBatch());
        var again = await Client.SyncAsync(alice);

        var redaction = next.RequireRoom(roomId).Timeline().Single();
        redaction.GetProperty("type").GetString().ShouldBe("m.room.redaction");
        redaction.GetProperty("redacts").GetString().ShouldBe(secret);
        var redacted = again.RequireRoom(roomId).Timeline().Single(e => e.GetProperty("event_id").GetString() == secret);
        redacted.GetProperty("content").EnumerateObject().ShouldBeEmpty();
        redacted.GetProperty("unsigned").GetProperty("redacted_because").GetProperty("type").GetString().ShouldBe("m.room.redaction");
    }

    [Fact]
    public async Task The_sending_device_sees_its_transaction_id_and_others_do_not()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        await (await Client.PutJsonAsync($"{RoomClient.Room(roomId)}/send/m.room.message/my-txn-1", """{"msgtype":"m.text","body":"hi"}""", alice)).ShouldBeOkJsonAsync();

        var mine = (await Client.SyncAsync(alice)).RequireRoom(roomId).Timeline()[^1];
        var theirs = (await Client.SyncAsync(bob)).RequireRoom(roomId).Timeline()[^1];

        mine.GetProperty("unsigned").GetProperty("transaction_id").GetString().ShouldBe("my-txn-1");
        theirs.GetProperty("unsigned").TryGetProperty("transaction_id", out var _).ShouldBeFalse();
    }

    [Fact]
    public async Task State_events_in_the_timeline_carry_their_previous_content()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"name":"One"}""");
        var first = await Client.SyncAsync(alice);
        await Client.SetStateAsync(alice, roomId, "m.room.name", "", """{"name":"Two"}""");

        var rename = (await Client.SyncAsync(alice, since: first.NextBatch())).RequireRoom(roomId).Timeline().Single();

        rename.GetProperty("unsigned").GetProperty("prev_content").GetProperty("name").GetString().ShouldBe("One");
    }

    [Fact]
    public async Task Use_state_after_sends_the_state_at_the_end_of_the_timeline_instead_of_state()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"name":"Before"}""");
        var first = await Client.SyncAsync(alice, extraQuery: "use_state_after=true");
        var initial = first.RequireRoom(roomId);
        initial.TryGetProperty("state", out var _).ShouldBeFalse();
        initial.StateKeys("state_after").ShouldContain(("m.room.create", ""));
        var rename = await Client.SetStateAsync(alice, roomId, "m.room.name", "", """{"name":"After"}""");
        var message = await Client.SendTextAsync(alice, roomId, "hello");

        var room = (await Client.SyncAsync(alice, since: first.NextBatch(), extraQuery: "use_state_after=true")).RequireRoom(roomId);

        room.TimelineIds().ShouldBe([rename, message]);
        room.Events("state_after").Select(e => e.GetProperty("event_id").GetString()).ShouldBe([rename]);
    }

    [Fact]
    public async Task Sync_tokens_survive_a_restart()
    {
        using var directory = new TempDirectory();
        var yaml = $"server_name: example.org\ndata_directory: {directory.Path}\n";
        string token, roomId, since;
        await using (var first = await TestHost.StartAsync(yaml))
        {
            token = await first.CreateUserWithTokenAsync("dora");
            roomId = await first.Client.CreateRoomAsync(token);
            since = (await first.Client.SyncAsync(token)).NextBatch();
        }

        await using var second = await TestHost.StartAsync(yaml);
        var sent = await second.Client.SendTextAsync(token, roomId, "after the restart");

        var sync = await second.Client.SyncAsync(token, since: since);

        sync.RequireRoom(roomId).TimelineIds().ShouldBe([sent]);
        var quiet = await second.Client.SyncAsync(token, since: sync.NextBatch(), timeout: 10);
        quiet.TryGetProperty("rooms", out var _).ShouldBeFalse();
    }

    [Fact]
    public async Task Next_batch_never_goes_backwards()
    {
        await Client.CreateRoomAsync(alice);
        var first = await Client.SyncAsync(alice);
        var (stream, typing) = Parse(first.NextBatch());

        var later = await Client.SyncAsync(alice, since: $"s{stream + 5}_{typing + 5}");

        var (laterStream, laterTyping) = Parse(later.NextBatch());
        laterStream.ShouldBeGreaterThanOrEqualTo(stream + 5);
        laterTyping.ShouldBeGreaterThanOrEqualTo(typing + 5);
    }

    private static (long Stream, long Typing) Parse(string token)
    {
        var parts = token[1..].Split('_');
        return (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
