using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class RoomEventsTests : IAsyncLifetime
{
    private TestHost host = null!;
    private string alice = null!;
    private string bob = null!;
    private string roomId = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\nregistration:\n  allow_guests: true\n");
        alice = await host.CreateUserWithTokenAsync("alice");
        bob = await host.CreateUserWithTokenAsync("bob");
        roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private Task<HttpResponseMessage> PutSend(string token, string txnId, string body = """{"msgtype":"m.text","body":"hi"}""", string type = "m.room.message") =>
        host.Client.PutJsonAsync($"{RoomClient.Room(roomId)}/send/{type}/{txnId}", body, token);

    [Fact]
    public async Task A_retried_transaction_returns_the_same_event_and_sends_once()
    {
        var store = host.Services.GetRequiredService<IRoomEventStore>();
        var first = (await (await PutSend(alice, "txn-1")).ShouldBeOkJsonAsync()).GetProperty("event_id").GetString();
        var before = await store.GetMaxStreamPositionAsync();

        var again = (await (await PutSend(alice, "txn-1")).ShouldBeOkJsonAsync()).GetProperty("event_id").GetString();

        again.ShouldBe(first);
        (await store.GetMaxStreamPositionAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_retry_after_leaving_the_room_still_returns_the_event_it_sent()
    {
        await host.Client.JoinAsync(bob, roomId);
        var first = (await (await PutSend(bob, "before-leaving")).ShouldBeOkJsonAsync()).GetProperty("event_id").GetString();
        await host.Client.LeaveAsync(bob, roomId);

        var again = (await (await PutSend(bob, "before-leaving")).ShouldBeOkJsonAsync()).GetProperty("event_id").GetString();
        again.ShouldBe(first);
        await (await PutSend(bob, "after-leaving")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Each_send_is_checked_against_the_state_the_previous_one_left()
    {
        // Sends build on what the last send left in memory (RoomTips): a change of power must count at once.
        var room = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat","room_version":"10"}""");
        await host.Client.JoinAsync(bob, room);
        var topic = (string text) => host.Client.PutJsonAsync($"{RoomClient.Room(room)}/state/m.room.topic", $$"""{"topic":"{{text}}"}""", bob);
        await host.Client.SetStateAsync(alice, room, "m.room.power_levels", "",
            """{"users":{"@alice:example.org":100,"@bob:example.org":50},"state_default":50,"events_default":0}""");
        await (await topic("bob may")).ShouldBeOkJsonAsync();

        await host.Client.SetStateAsync(alice, room, "m.room.power_levels", "",
            """{"users":{"@alice:example.org":100},"state_default":50,"events_default":0}""");
        await (await topic("bob may not")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await host.Client.LeaveAsync(bob, room);
        await (await host.Client.PutJsonAsync($"{RoomClient.Room(room)}/send/m.room.message/gone", """{"msgtype":"m.text","body":"x"}""", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_send_after_a_redaction_of_state_is_checked_against_the_redacted_state()
    {
        // Up to room version 10 redaction drops the power levels' "invite": the default (0) applies again.
        await host.CreateUserWithTokenAsync("carol");
        var room = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat","room_version":"10"}""");
        await host.Client.JoinAsync(bob, room);
        var levels = await host.Client.SetStateAsync(alice, room, "m.room.power_levels", "",
            """{"users":{"@alice:example.org":100},"invite":50,"state_default":50,"events_default":0}""");
        var invite = () => host.Client.PostJsonAsync($"{RoomClient.Room(room)}/invite", """{"user_id":"@carol:example.org"}""", bob);
        await (await invite()).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await (await host.Client.PutJsonAsync($"{RoomClient.Room(room)}/redact/{Uri.EscapeDataString(levels)}/r1", "{}", alice)).ShouldBeOkJsonAsync();

        await (await invite()).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task The_same_transaction_id_from_another_user_is_a_new_event()
    {
        await host.Client.JoinAsync(bob, roomId);
        var a = (await (await PutSend(alice, "shared")).ShouldBeOkJsonAsync()).GetProperty("event_id").GetString();
        var b = (await (await PutSend(bob, "shared")).ShouldBeOkJsonAsync()).GetProperty("event_id").GetString();
        b.ShouldNotBe(a);
    }

    [Fact]
    public async Task Non_members_cannot_send_or_set_state_and_nothing_is_written()
    {
        var store = host.Services.GetRequiredService<IRoomEventStore>();
        var before = await store.GetMaxStreamPositionAsync();

        await (await PutSend(bob, "x")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PutJsonAsync($"{RoomClient.Room(roomId)}/state/m.room.topic", """{"topic":"t"}""", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        (await store.GetMaxStreamPositionAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Members_without_power_cannot_set_state_but_can_send_messages()
    {
        await host.Client.JoinAsync(bob, roomId);
        await (await host.Client.PutJsonAsync($"{RoomClient.Room(roomId)}/state/m.room.name", """{"name":"mine"}""", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await PutSend(bob, "ok")).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task State_set_with_and_without_a_state_key_reads_back_in_both_formats()
    {
        await host.Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"first"}""");
        var second = await host.Client.SetStateAsync(alice, roomId, "org.example.thing", "key/with slash", """{"n":2}""");

        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.topic")).GetProperty("topic").GetString().ShouldBe("first");
        var ev = await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state/org.example.thing/{Uri.EscapeDataString("key/with slash")}?format=event", alice)).ShouldBeOkJsonAsync();
        ev.GetProperty("event_id").GetString().ShouldBe(second);
        ev.GetProperty("state_key").GetString().ShouldBe("key/with slash");
        ev.GetProperty("content").GetProperty("n").GetInt32().ShouldBe(2);
        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state/m.room.topic?format=xml", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state/m.room.avatar", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Replacing_state_reports_the_previous_content_on_the_event()
    {
        await host.Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"one"}""");
        var second = await host.Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"two"}""");

        var ev = await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/event/{Uri.EscapeDataString(second)}", alice)).ShouldBeOkJsonAsync();
        ev.GetProperty("unsigned").GetProperty("prev_content").GetProperty("topic").GetString().ShouldBe("one");
        ev.GetProperty("unsigned").GetProperty("age").GetInt64().ShouldBeGreaterThanOrEqualTo(0);
        ev.TryGetProperty("hashes", out _).ShouldBeFalse("clients get the client format, not the PDU");
        ev.TryGetProperty("auth_events", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Former_members_read_the_state_as_it_was_when_they_left()
    {
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"while bob was here"}""");
        await host.Client.LeaveAsync(bob, roomId);
        await host.Client.SetStateAsync(alice, roomId, "m.room.topic", "", """{"topic":"after bob left"}""");

        (await host.Client.GetStateContentAsync(bob, roomId, "m.room.topic")).GetProperty("topic").GetString().ShouldBe("while bob was here");
        var state = await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state", bob)).ShouldBeOkJsonAsync();
        state.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "m.room.topic")
            .GetProperty("content").GetProperty("topic").GetString().ShouldBe("while bob was here");
    }

    [Fact]
    public async Task Strangers_cannot_read_state_or_events()
    {
        var eventId = await host.Client.SendTextAsync(alice, roomId, "private");
        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/state", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/event/{Uri.EscapeDataString(eventId)}", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task An_event_of_another_room_or_an_unknown_event_is_not_found()
    {
        var other = await host.Client.CreateRoomAsync(alice);
        var eventId = await host.Client.SendTextAsync(alice, other, "elsewhere");
        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/event/{Uri.EscapeDataString(eventId)}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/event/%24nope", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("not json", "M_NOT_JSON")]
    [InlineData("[1,2]", "M_BAD_JSON")]
    public async Task Bad_bodies_are_refused(string body, string errcode)
    {
        await (await PutSend(alice, "bad-" + errcode, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
    }

    [Fact]
    public async Task Guests_may_send_only_messages()
    {
        var guest = await host.CreateUserWithTokenAsync("guest1", Storage.Accounts.AccountKind.Guest);
        await (await PutSend(guest, "g1", "{}", "org.example.custom")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Concurrent_sends_to_one_room_form_a_single_chain()
    {
        await host.Client.JoinAsync(bob, roomId);
        var sends = Enumerable.Range(0, 40).Select(i => host.Client.SendTextAsync(i % 2 == 0 ? alice : bob, roomId, $"m{i}"));
        var ids = await Task.WhenAll(sends);

        ids.Distinct().Count().ShouldBe(40);
        var store = host.Services.GetRequiredService<IRoomEventStore>();
        (await store.GetForwardExtremitiesAsync(roomId)).Count.ShouldBe(1, "every event built on the one before it");
        var events = await store.GetEventsByIdAsync(ids);
        events.Select(e => e.Depth).Distinct().Count().ShouldBe(40);
    }

    [Fact]
    public async Task Joined_rooms_lists_rooms_until_the_user_leaves()
    {
        await host.Client.JoinAsync(bob, roomId);
        var joined = await (await host.Client.GetWithTokenAsync($"{RoomClient.V3}/joined_rooms", bob)).ShouldBeOkJsonAsync();
        joined.GetProperty("joined_rooms").EnumerateArray().Select(e => e.GetString()).ShouldBe([roomId]);

        await host.Client.LeaveAsync(bob, roomId);
        joined = await (await host.Client.GetWithTokenAsync($"{RoomClient.V3}/joined_rooms", bob)).ShouldBeOkJsonAsync();
        joined.GetProperty("joined_rooms").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Invite_only_rooms_need_an_invite_to_join()
    {
        var privateRoom = await host.Client.CreateRoomAsync(alice);
        await (await host.Client.PostJsonAsync($"{RoomClient.Room(privateRoom)}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        await host.Client.InviteAsync(alice, privateRoom, "@bob:example.org");
        await host.Client.JoinAsync(bob, privateRoom);
        (await host.Client.GetStateContentAsync(bob, privateRoom, "m.room.member", "@bob:example.org")).GetProperty("membership").GetString().ShouldBe("join");
    }

    [Fact]
    public async Task Unknown_rooms_are_not_found_and_malformed_ids_are_invalid()
    {
        await (await host.Client.PostJsonAsync($"{RoomClient.Room("!nope:example.org")}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.PostJsonAsync($"{RoomClient.Room("nope")}/join", "{}", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    private static string Json(object o) => JsonSerializer.Serialize(o);
}
