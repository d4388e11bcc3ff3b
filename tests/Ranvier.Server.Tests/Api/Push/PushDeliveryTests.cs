using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Push;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Push;

namespace Ranvier.Server.Tests.Api.Push;

/// <summary>
/// Delivery of notifications to a real push gateway on 127.0.0.1 (spec: push gateway API, POST
/// /_matrix/push/v1/notify; client-server API "Push Notifications", "Server behaviour"). Time is a manual clock, so
/// retries happen when a test advances it; <see cref="PushDelivery.WhenIdleAsync"/> says when a round is over.
/// </summary>
public sealed class PushDeliveryTests : IAsyncLifetime
{
    private const string AliceId = "@alice:example.org";
    private const string BobId = "@bob:example.org";
    private const string AllowLoopback = "push:\n  ip_range_allowlist:\n    - 127.0.0.1\n";

    private readonly ManualTimeProvider time = new();
    private readonly TempDirectory data = new();
    private RecordingPushGateway gateway = null!;
    private TestHost host = null!;
    private string alice = null!;
    private string bob = null!;
    private string carol = null!;
    private string room = null!;

    public async Task InitializeAsync()
    {
        gateway = await RecordingPushGateway.StartAsync();
        await StartHostAsync(AllowLoopback, createUsers: true);
        await (await host.Client.PutJsonAsync($"{RoomClient.V3}/profile/{AliceId}/displayname", """{"displayname":"Alice A"}""", alice)).ShouldBeOkJsonAsync();
        room = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat","name":"Cake club","room_alias_name":"cake"}""");
        await host.Client.JoinAsync(bob, room);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await gateway.DisposeAsync();
        data.Dispose();
    }

    private async Task StartHostAsync(string yaml, bool createUsers)
    {
        host = await TestHost.StartAsync($"server_name: example.org\ndata_directory: {data.Path}\n{yaml}", time: time);
        if (createUsers)
        {
            alice = await host.CreateUserWithTokenAsync("alice");
            bob = await host.CreateUserWithTokenAsync("bob");
            carol = await host.CreateUserWithTokenAsync("carol");
        }
    }

    private PushDelivery Delivery => host.Services.GetRequiredService<PushDelivery>();

    private IPusherStore Pushers => host.Services.GetRequiredService<IPusherStore>();

    /// <summary>Waits until delivery has had a round covering everything written so far (and <paramref name="minRounds"/> rounds in all).</summary>
    private Task IdleAsync(long minRounds = 0) =>
        Delivery.WhenIdleAsync(host.Services.GetRequiredService<StreamNotifier>().Position, minRounds).WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>
    /// Advances the clock by <paramref name="by"/> and waits for the round the retry timer starts; with
    /// <paramref name="jump"/> that round sees the whole advance (see <see cref="ManualTimeProvider.Jump"/>).
    /// </summary>
    private async Task AdvanceAndRetryAsync(TimeSpan by, bool jump = false)
    {
        var rounds = Delivery.CompletedRounds;
        if (jump)
        {
            time.Jump(by);
        }
        else
        {
            time.Advance(by);
        }

        await IdleAsync(rounds + 1);
    }

    private async Task SetPusherAsync(string token, string pushkey = "bob-phone", string? url = null, JsonObject? data = null)
    {
        var pusherData = data ?? [];
        pusherData["url"] = url ?? gateway.Url();
        var body = new JsonObject
        {
            ["kind"] = "http",
            ["app_id"] = "org.example.app",
            ["pushkey"] = pushkey,
            ["app_display_name"] = "Example",
            ["device_display_name"] = "Phone",
            ["lang"] = "en",
            ["data"] = pusherData,
            ["append"] = true,
        };
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/pushers/set", body.ToJsonString(), token)).ShouldBeOkJsonAsync();
    }

    /// <summary>
    /// Creates another room of alice's. The clock moves a millisecond first: on a stopped clock two creations by one user
    /// would build the same create event, and so the same room (its ID is the create event's hash).
    /// </summary>
    private Task<string> CreateRoomAsync(string body)
    {
        time.Advance(TimeSpan.FromMilliseconds(1));
        return host.Client.CreateRoomAsync(alice, body);
    }

    private async Task<PusherState> StateAsync() => (await Pushers.ListStatesAsync("http")).ShouldHaveSingleItem();

    private static JsonObject Notification(JsonObject body) => body["notification"]!.AsObject();

    private static string? EventId(JsonObject body) => Notification(body)["event_id"]?.GetValue<string>();

    [Fact]
    public async Task A_message_reaches_the_gateway_in_the_full_format()
    {
        await SetPusherAsync(bob, data: new JsonObject { ["custom"] = "kept" });

        var message = await host.Client.SendTextAsync(alice, room, "hello bob");

        var notification = Notification(await gateway.NextDeliveredAsync());
        notification["event_id"]!.GetValue<string>().ShouldBe(message);
        notification["room_id"]!.GetValue<string>().ShouldBe(room);
        notification["type"]!.GetValue<string>().ShouldBe("m.room.message");
        notification["sender"]!.GetValue<string>().ShouldBe(AliceId);
        notification["sender_display_name"]!.GetValue<string>().ShouldBe("Alice A");
        notification["room_name"]!.GetValue<string>().ShouldBe("Cake club");
        notification["room_alias"]!.GetValue<string>().ShouldBe("#cake:example.org");
        notification.ContainsKey("user_is_target").ShouldBeFalse();
        // Two members: .m.rule.room_one_to_one, which makes a sound, so the push is urgent.
        notification["prio"]!.GetValue<string>().ShouldBe("high");
        notification["content"]!.ToJsonString().ShouldBe("""{"body":"hello bob","msgtype":"m.text"}""");
        notification["counts"]!.ToJsonString().ShouldBe("""{"unread":1}""");
        var device = notification["devices"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
        device["app_id"]!.GetValue<string>().ShouldBe("org.example.app");
        device["pushkey"]!.GetValue<string>().ShouldBe("bob-phone");
        device["pushkey_ts"]!.GetValue<long>().ShouldBe(time.GetUtcNow().ToUnixTimeSeconds());
        device["data"]!.ToJsonString().ShouldBe("""{"custom":"kept"}""");
        device["tweaks"]!.ToJsonString().ShouldBe("""{"sound":"default"}""");
    }

    [Fact]
    public async Task Event_id_only_sends_the_ids_counts_and_devices_and_forwards_the_format()
    {
        await SetPusherAsync(bob, data: new JsonObject { ["format"] = "event_id_only" });

        var message = await host.Client.SendTextAsync(alice, room, "secret");

        var notification = Notification(await gateway.NextDeliveredAsync());
        notification.Select(p => p.Key).Order().ShouldBe(["counts", "devices", "event_id", "room_id"]);
        notification["event_id"]!.GetValue<string>().ShouldBe(message);
        notification["room_id"]!.GetValue<string>().ShouldBe(room);
        notification["counts"]!.ToJsonString().ShouldBe("""{"unread":1}""");
        var device = notification["devices"]![0]!.AsObject();
        device["data"]!.ToJsonString().ShouldBe("""{"format":"event_id_only"}""");
        device["tweaks"]!.ToJsonString().ShouldBe("""{"sound":"default"}""");
    }

    [Fact]
    public async Task A_mention_in_a_group_highlights_and_a_plain_message_is_low_priority()
    {
        await host.Client.JoinAsync(carol, room);
        await SetPusherAsync(bob);

        await host.Client.SendTextAsync(alice, room, "hello all");
        var plain = Notification(await gateway.NextDeliveredAsync());
        await host.Client.SendEventAsync(alice, room, "m.room.message", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msgtype"] = "m.text",
            ["body"] = "bob!",
            ["m.mentions"] = new { user_ids = new[] { BobId } },
        }));
        var mention = Notification(await gateway.NextDeliveredAsync());

        // .m.rule.message: notify, no tweaks.
        plain["prio"]!.GetValue<string>().ShouldBe("low");
        plain["devices"]![0]!["tweaks"]!.ToJsonString().ShouldBe("{}");
        // .m.rule.is_user_mention: a sound and a highlight.
        mention["prio"]!.GetValue<string>().ShouldBe("high");
        mention["devices"]![0]!["tweaks"]!.ToJsonString().ShouldBe("""{"sound":"default","highlight":true}""");
        mention["counts"]!.ToJsonString().ShouldBe("""{"unread":2}""");
    }

    [Fact]
    public async Task Counts_follow_unread_notifications_across_rooms_and_receipts()
    {
        var second = await CreateRoomAsync("""{"preset":"public_chat"}""");
        await host.Client.JoinAsync(bob, second);
        await SetPusherAsync(bob);

        var first = await host.Client.SendTextAsync(alice, room, "one");
        (await gateway.NextDeliveredAsync())["notification"]!["counts"]!["unread"]!.GetValue<long>().ShouldBe(1);
        await host.Client.SendTextAsync(alice, second, "two");
        (await gateway.NextDeliveredAsync())["notification"]!["counts"]!["unread"]!.GetValue<long>().ShouldBe(2);

        await (await host.Client.PostJsonAsync($"{RoomClient.Room(room)}/receipt/m.read/{Uri.EscapeDataString(first)}", "{}", bob)).ShouldBeOkJsonAsync();
        await host.Client.SendTextAsync(alice, second, "three");

        (await gateway.NextDeliveredAsync())["notification"]!["counts"]!["unread"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task An_invite_is_pushed_with_user_is_target()
    {
        await SetPusherAsync(bob);
        var other = await CreateRoomAsync("{}");

        await host.Client.InviteAsync(alice, other, BobId);

        var notification = Notification(await gateway.NextDeliveredAsync());
        notification["type"]!.GetValue<string>().ShouldBe("m.room.member");
        notification["room_id"]!.GetValue<string>().ShouldBe(other);
        notification["user_is_target"]!.GetValue<bool>().ShouldBeTrue();
        notification["content"]!["membership"]!.GetValue<string>().ShouldBe("invite");
    }

    [Fact]
    public async Task Only_events_after_the_pusher_was_set_and_not_the_users_own_are_pushed()
    {
        await host.Client.SendTextAsync(alice, room, "before the pusher");
        await SetPusherAsync(bob);

        await host.Client.SendTextAsync(bob, room, "my own");
        var after = await host.Client.SendTextAsync(alice, room, "after");

        EventId(await gateway.NextDeliveredAsync()).ShouldBe(after);
        await IdleAsync();
        gateway.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Each_pusher_of_a_user_gets_its_own_push()
    {
        await SetPusherAsync(bob, pushkey: "phone");
        await SetPusherAsync(bob, pushkey: "tablet");

        var message = await host.Client.SendTextAsync(alice, room, "hi");

        var first = await gateway.NextDeliveredAsync();
        var second = await gateway.NextDeliveredAsync();
        new[] { first, second }.Select(b => Notification(b)["devices"]![0]!["pushkey"]!.GetValue<string>()).Order().ShouldBe(["phone", "tablet"]);
        new[] { first, second }.Select(EventId).ShouldAllBe(id => id == message);
    }

    [Fact]
    public async Task A_gateway_that_is_down_gets_the_notification_once_it_is_back()
    {
        await SetPusherAsync(bob);
        gateway.Down = true;

        var message = await host.Client.SendTextAsync(alice, room, "are you there?");
        await IdleAsync();

        gateway.Requests.ShouldHaveSingleItem().Status.ShouldBe(503);
        var failing = await StateAsync();
        failing.Failures.ShouldBe(1);
        failing.NextAttemptTs.ShouldBe((time.GetUtcNow() + PushRetry.FirstDelay).ToUnixTimeMilliseconds());

        gateway.Down = false;
        await AdvanceAndRetryAsync(PushRetry.FirstDelay);

        EventId(gateway.Delivered.ShouldHaveSingleItem()).ShouldBe(message);
        var recovered = await StateAsync();
        (recovered.Failures, recovered.NextAttemptTs, recovered.FailingSinceTs).ShouldBe((0, (long?)null, (long?)null));
    }

    [Fact]
    public async Task Retries_back_off_exponentially_and_nothing_is_sent_before_they_are_due()
    {
        await SetPusherAsync(bob);
        gateway.Down = true;
        await host.Client.SendTextAsync(alice, room, "one");
        await IdleAsync();

        await AdvanceAndRetryAsync(TimeSpan.FromSeconds(1));
        var second = await StateAsync();
        second.Failures.ShouldBe(2);
        second.NextAttemptTs.ShouldBe((time.GetUtcNow() + TimeSpan.FromSeconds(2)).ToUnixTimeMilliseconds());

        // A new event wakes delivery, but the pusher waits for its retry.
        await host.Client.SendTextAsync(alice, room, "two");
        await IdleAsync();
        gateway.Requests.Count.ShouldBe(2);

        await AdvanceAndRetryAsync(TimeSpan.FromSeconds(2));
        gateway.Requests.Count.ShouldBe(3);
        (await StateAsync()).NextAttemptTs.ShouldBe((time.GetUtcNow() + TimeSpan.FromSeconds(4)).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_gateway_that_refuses_connections_gets_everything_in_order_once_it_listens_again()
    {
        await SetPusherAsync(bob);
        await gateway.StopAsync();

        var first = await host.Client.SendTextAsync(alice, room, "one");
        var second = await host.Client.SendTextAsync(alice, room, "two");
        await IdleAsync();
        (await StateAsync()).Failures.ShouldBe(1);

        await gateway.RestartAsync();
        await AdvanceAndRetryAsync(PushRetry.FirstDelay);

        gateway.Delivered.Select(EventId).ShouldBe([first, second]);
    }

    [Fact]
    public async Task After_a_long_outage_only_the_newest_notifications_are_sent()
    {
        await SetPusherAsync(bob);
        gateway.Down = true;
        var sent = new List<string>();
        for (var i = 0; i < PushRetry.KeptAfterOutage + 3; i++)
        {
            sent.Add(await host.Client.SendTextAsync(alice, room, $"message {i}"));
        }

        await IdleAsync();
        gateway.Down = false;
        await AdvanceAndRetryAsync(PushRetry.OutageLimit + TimeSpan.FromMinutes(1), jump: true);

        gateway.Delivered.Select(EventId).ShouldBe(sent.TakeLast(PushRetry.KeptAfterOutage));
        (await StateAsync()).Failures.ShouldBe(0);
    }

    [Fact]
    public async Task A_notification_read_while_the_gateway_was_down_is_not_pushed()
    {
        await SetPusherAsync(bob);
        gateway.Down = true;
        var message = await host.Client.SendTextAsync(alice, room, "read elsewhere");
        await IdleAsync();

        await (await host.Client.PostJsonAsync($"{RoomClient.Room(room)}/receipt/m.read/{Uri.EscapeDataString(message)}", "{}", bob)).ShouldBeOkJsonAsync();
        gateway.Down = false;
        await AdvanceAndRetryAsync(PushRetry.FirstDelay);

        gateway.Delivered.ShouldBeEmpty();
        (await StateAsync()).Failures.ShouldBe(0);
    }

    [Fact]
    public async Task A_rejected_pushkey_removes_the_pusher_and_nothing_more_is_sent()
    {
        await SetPusherAsync(bob);
        gateway.Rejected = ["bob-phone"];

        await host.Client.SendTextAsync(alice, room, "one");
        await gateway.NextDeliveredAsync();
        await IdleAsync();

        var pushers = await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/pushers", bob)).ShouldBeOkJsonAsync();
        pushers.GetProperty("pushers").GetArrayLength().ShouldBe(0);
        await host.Client.SendTextAsync(alice, room, "two");
        await IdleAsync();
        gateway.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_rejection_of_another_pushkey_leaves_the_pusher()
    {
        await SetPusherAsync(bob);
        gateway.Rejected = ["someone-else"];

        await host.Client.SendTextAsync(alice, room, "one");
        await gateway.NextDeliveredAsync();
        await IdleAsync();

        (await Pushers.ListAsync(BobId)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task An_oversized_answer_still_delivers_but_is_not_read()
    {
        await SetPusherAsync(bob);
        gateway.Rejected = ["bob-phone"];
        gateway.AnswerPadding = 100 * 1024;

        await host.Client.SendTextAsync(alice, room, "one");
        await gateway.NextDeliveredAsync();
        await IdleAsync();

        // Still there (the rejection was never read) and not failing (the push counted as delivered).
        (await StateAsync()).Failures.ShouldBe(0);
    }

    [Fact]
    public async Task A_restarted_server_resumes_where_delivery_stopped_without_repeating()
    {
        await SetPusherAsync(bob);
        var delivered = await host.Client.SendTextAsync(alice, room, "before the restart");
        await gateway.NextDeliveredAsync();
        await IdleAsync();
        gateway.Down = true;
        var pending = await host.Client.SendTextAsync(alice, room, "while down");
        await IdleAsync();

        await host.DisposeAsync();
        gateway.Down = false;
        await StartHostAsync(AllowLoopback, createUsers: false);
        await IdleAsync();
        await AdvanceAndRetryAsync(PushRetry.FirstDelay);

        gateway.Delivered.Select(EventId).ShouldBe([delivered, pending]);
    }

    [Fact]
    public async Task A_gateway_at_a_loopback_address_is_refused_unless_allowed()
    {
        await host.DisposeAsync();
        await StartHostAsync("", createUsers: false);
        // A host name passes /pushers/set; its loopback addresses are refused when delivery connects.
        await SetPusherAsync(bob, url: gateway.Url("localhost"));

        await host.Client.SendTextAsync(alice, room, "hello");
        await IdleAsync();

        gateway.Requests.ShouldBeEmpty();
        (await StateAsync()).Failures.ShouldBe(1);
    }
}
