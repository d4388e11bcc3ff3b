using System.Net;
using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Api.Sync;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Push;

/// <summary>
/// Push evaluation of new events and what it feeds: <c>unread_notifications</c> / <c>unread_thread_notifications</c>
/// in /sync, reset by receipts and by sending, and GET /notifications (spec: "Receiving notifications",
/// "Marking notifications as read", "Listing Notifications").
/// </summary>
public sealed class NotificationCountsTests : RoomTestBase
{
    private const string AliceId = "@alice:example.org";
    private const string BobId = "@bob:example.org";
    private const string ThreadFilter = """{"room":{"timeline":{"unread_thread_notifications":true}}}""";

    private string _room = null!;

    protected override async Task SetUpAsync()
    {
        _room = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, _room);
        await Client.JoinAsync(carol, _room);
    }

    private async Task<(long Notifications, long Highlights)> CountsAsync(string token, string? filter = null)
    {
        var room = (await Client.SyncAsync(token, filter: filter)).RequireRoom(_room);
        var counts = room.GetProperty("unread_notifications");
        return (counts.GetProperty("notification_count").GetInt64(), counts.GetProperty("highlight_count").GetInt64());
    }

    private Task<string> MentionAsync(string token, string userId) =>
        Client.SendEventAsync(token, _room, "m.room.message", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msgtype"] = "m.text",
            ["body"] = $"hey {userId}",
            ["m.mentions"] = new { user_ids = new[] { userId } },
        }));

    private async Task ReceiptAsync(string token, string type, string eventId, string? threadId = null) =>
        await (await Client.PostJsonAsync(
            $"{RoomClient.Room(_room)}/receipt/{type}/{Uri.EscapeDataString(eventId)}",
            threadId is null ? "{}" : JsonSerializer.Serialize(new { thread_id = threadId }),
            token)).ShouldBeOkJsonAsync();

    private Task<string> ThreadReplyAsync(string token, string root, string text) =>
        Client.SendEventAsync(token, _room, "m.room.message", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msgtype"] = "m.text",
            ["body"] = text,
            ["m.relates_to"] = new { rel_type = "m.thread", event_id = root },
        }));

    [Fact]
    public async Task Messages_from_others_count_and_mentions_highlight()
    {
        await Client.SendTextAsync(alice, _room, "one");
        await Client.SendTextAsync(alice, _room, "two");
        await MentionAsync(alice, BobId);

        (await CountsAsync(bob)).ShouldBe((3, 1));
        (await CountsAsync(carol)).ShouldBe((3, 0));
        (await CountsAsync(alice)).ShouldBe((0, 0));
    }

    [Fact]
    public async Task The_count_arrives_in_the_same_incremental_sync_as_the_event()
    {
        var since = (await Client.SyncAsync(bob)).NextBatch();
        var message = await Client.SendTextAsync(alice, _room, "hi");

        var sync = await Client.SyncAsync(bob, since: since);
        var room = sync.RequireRoom(_room);
        room.TimelineIds().ShouldContain(message);
        room.GetProperty("unread_notifications").GetProperty("notification_count").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task Read_receipts_public_or_private_reset_the_count_up_to_their_event()
    {
        var first = await Client.SendTextAsync(alice, _room, "one");
        var second = await Client.SendTextAsync(alice, _room, "two");
        await Client.SendTextAsync(alice, _room, "three");

        await ReceiptAsync(bob, "m.read", first);
        (await CountsAsync(bob)).ShouldBe((2, 0));

        await ReceiptAsync(bob, "m.read.private", second);
        (await CountsAsync(bob)).ShouldBe((1, 0));
    }

    [Fact]
    public async Task Sending_a_message_reads_the_room_for_the_sender()
    {
        await Client.SendTextAsync(alice, _room, "one");
        await MentionAsync(alice, BobId);
        (await CountsAsync(bob)).ShouldBe((2, 1));

        await Client.SendTextAsync(bob, _room, "caught up");
        (await CountsAsync(bob)).ShouldBe((0, 0));
    }

    [Fact]
    public async Task Thread_counts_are_separate_when_asked_for_and_threaded_receipts_clear_only_their_thread()
    {
        var root = await Client.SendTextAsync(alice, _room, "root");
        var inThread = await ThreadReplyAsync(alice, root, "in thread");
        await ThreadReplyAsync(alice, root, "in thread again");

        // Without the filter flag the room counts everything.
        (await CountsAsync(bob)).ShouldBe((3, 0));

        var room = (await Client.SyncAsync(bob, filter: ThreadFilter)).RequireRoom(_room);
        room.GetProperty("unread_notifications").GetProperty("notification_count").GetInt64().ShouldBe(1);
        room.GetProperty("unread_thread_notifications").GetProperty(root).GetProperty("notification_count").GetInt64().ShouldBe(2);

        await ReceiptAsync(bob, "m.read", inThread, threadId: root);
        room = (await Client.SyncAsync(bob, filter: ThreadFilter)).RequireRoom(_room);
        room.GetProperty("unread_notifications").GetProperty("notification_count").GetInt64().ShouldBe(1);
        room.GetProperty("unread_thread_notifications").GetProperty(root).GetProperty("notification_count").GetInt64().ShouldBe(1);

        await ReceiptAsync(bob, "m.read", root, threadId: "main");
        room = (await Client.SyncAsync(bob, filter: ThreadFilter)).RequireRoom(_room);
        room.GetProperty("unread_notifications").GetProperty("notification_count").GetInt64().ShouldBe(0);
        room.GetProperty("unread_thread_notifications").GetProperty(root).GetProperty("notification_count").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task An_unthreaded_receipt_reads_every_thread_up_to_its_event()
    {
        var root = await Client.SendTextAsync(alice, _room, "root");
        await ThreadReplyAsync(alice, root, "in thread");
        var last = await Client.SendTextAsync(alice, _room, "after");

        await ReceiptAsync(bob, "m.read", last);
        var room = (await Client.SyncAsync(bob, filter: ThreadFilter)).RequireRoom(_room);
        room.GetProperty("unread_notifications").GetProperty("notification_count").GetInt64().ShouldBe(0);
        room.TryGetProperty("unread_thread_notifications", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_reaction_to_a_thread_message_belongs_to_the_thread_but_does_not_notify()
    {
        var root = await Client.SendTextAsync(alice, _room, "root");
        var reply = await ThreadReplyAsync(bob, root, "bob in thread");
        await Client.ReactAsync(alice, _room, reply, "👍");

        (await CountsAsync(bob)).ShouldBe((1, 0));
    }

    [Fact]
    public async Task Room_mentions_highlight_only_from_senders_with_the_power_to_notify_the_room()
    {
        var atRoom = JsonSerializer.Serialize(new Dictionary<string, object> { ["msgtype"] = "m.text", ["body"] = "@room", ["m.mentions"] = new { room = true } });
        await Client.SendEventAsync(carol, _room, "m.room.message", atRoom);
        (await CountsAsync(bob)).ShouldBe((1, 0));

        await Client.SendEventAsync(alice, _room, "m.room.message", atRoom);
        (await CountsAsync(bob)).ShouldBe((2, 1));
    }

    [Fact]
    public async Task Editing_push_rules_takes_effect_on_the_next_event()
    {
        await Client.SendTextAsync(alice, _room, "counted");
        await (await Client.PutJsonAsync($"{RoomClient.V3}/pushrules/global/underride/.m.rule.message/enabled", """{"enabled":false}""", bob)).ShouldBeOkJsonAsync();
        await Client.SendTextAsync(alice, _room, "not counted");

        (await CountsAsync(bob)).ShouldBe((1, 0));
        (await CountsAsync(carol)).ShouldBe((2, 0));
    }

    [Fact]
    public async Task Notifications_lists_newest_first_with_read_flags_highlights_and_pages()
    {
        var first = await Client.SendTextAsync(alice, _room, "one");
        var mention = await MentionAsync(alice, BobId);
        var third = await Client.SendTextAsync(alice, _room, "three");
        await ReceiptAsync(bob, "m.read", first);

        var page = await (await Client.GetWithTokenAsync($"{RoomClient.V3}/notifications?limit=2", bob)).ShouldBeOkJsonAsync();
        var items = page.GetProperty("notifications").EnumerateArray().ToList();
        items.Select(n => n.GetProperty("event").GetProperty("event_id").GetString()).ShouldBe([third, mention]);
        items.ShouldAllBe(n => n.GetProperty("room_id").GetString() == _room && !n.GetProperty("read").GetBoolean());
        items[0].GetProperty("actions")[0].GetString().ShouldBe("notify");

        var next = page.GetProperty("next_token").GetString()!;
        var rest = await (await Client.GetWithTokenAsync($"{RoomClient.V3}/notifications?limit=2&from={next}", bob)).ShouldBeOkJsonAsync();
        var older = rest.GetProperty("notifications").EnumerateArray().Single();
        older.GetProperty("event").GetProperty("event_id").GetString().ShouldBe(first);
        older.GetProperty("read").GetBoolean().ShouldBeTrue();
        rest.TryGetProperty("next_token", out _).ShouldBeFalse();

        var highlights = await (await Client.GetWithTokenAsync($"{RoomClient.V3}/notifications?only=highlight", bob)).ShouldBeOkJsonAsync();
        highlights.GetProperty("notifications").EnumerateArray().Select(n => n.GetProperty("event").GetProperty("event_id").GetString()).ShouldBe([mention]);
    }

    [Fact]
    public async Task An_invite_notifies_the_invitee()
    {
        var dave = await host.CreateUserWithTokenAsync("dave");
        await Client.InviteAsync(alice, _room, "@dave:example.org");

        var page = await (await Client.GetWithTokenAsync($"{RoomClient.V3}/notifications", dave)).ShouldBeOkJsonAsync();
        var invite = page.GetProperty("notifications").EnumerateArray().Single().GetProperty("event");
        invite.GetProperty("type").GetString().ShouldBe("m.room.member");
        invite.GetProperty("state_key").GetString().ShouldBe("@dave:example.org");
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("from=xyz")]
    [InlineData("only=everything")]
    public async Task Notifications_refuses_bad_parameters(string query) =>
        await (await Client.GetWithTokenAsync($"{RoomClient.V3}/notifications?{query}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");

    [Fact]
    public async Task Notifications_needs_an_access_token() =>
        await (await Client.GetWithTokenAsync($"{RoomClient.V3}/notifications", null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
}
