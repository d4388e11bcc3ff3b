using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Sync;

/// <summary>Every field of a sync filter (spec: "Filtering", sync_filter.yaml), inline and stored.</summary>
public sealed class SyncFilterTests : RoomTestBase
{
    private string roomId = null!;

    protected override async Task SetUpAsync()
    {
        roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat","name":"Filtered"}""");
        await Client.JoinAsync(bob, roomId);
        await Client.SendTextAsync(alice, roomId, "from alice");
        await Client.SendTextAsync(bob, roomId, "from bob");
        await Client.SendEventAsync(alice, roomId, "org.example.custom", """{"url":"mxc://example.org/abc"}""");
    }

    [Fact]
    public async Task Timeline_limit_caps_the_timeline_and_marks_it_limited()
    {
        var room = (await SyncAsync("""{"room":{"timeline":{"limit":2}}}""")).RequireRoom(roomId);

        room.Timeline().Count.ShouldBe(2);
        room.GetProperty("timeline").GetProperty("limited").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Timeline_types_and_not_types_select_events_by_type_with_wildcards()
    {
        var onlyMessages = (await SyncAsync("""{"room":{"timeline":{"types":["m.room.mess*"]}}}""")).RequireRoom(roomId);
        var noMessages = (await SyncAsync("""{"room":{"timeline":{"not_types":["m.room.message"]}}}""")).RequireRoom(roomId);

        Types(onlyMessages.Timeline()).ShouldAllBe(t => t == "m.room.message");
        onlyMessages.Timeline().Count.ShouldBe(2);
        Types(noMessages.Timeline()).ShouldNotContain("m.room.message");
        Types(noMessages.Timeline()).ShouldContain("org.example.custom");
    }

    [Fact]
    public async Task Timeline_senders_and_not_senders_select_events_by_sender()
    {
        var bobs = (await SyncAsync("""{"room":{"timeline":{"senders":["@bob:example.org"]}}}""")).RequireRoom(roomId);
        var notBobs = (await SyncAsync("""{"room":{"timeline":{"not_senders":["@bob:example.org"]}}}""")).RequireRoom(roomId);

        bobs.Timeline().ShouldAllBe(e => e.GetProperty("sender").GetString() == "@bob:example.org");
        bobs.Timeline().ShouldNotBeEmpty();
        notBobs.Timeline().ShouldAllBe(e => e.GetProperty("sender").GetString() != "@bob:example.org");
    }

    [Fact]
    public async Task Contains_url_keeps_only_events_with_or_without_a_url()
    {
        var withUrl = (await SyncAsync("""{"room":{"timeline":{"contains_url":true}}}""")).RequireRoom(roomId);
        var withoutUrl = (await SyncAsync("""{"room":{"timeline":{"contains_url":false}}}""")).RequireRoom(roomId);

        Types(withUrl.Timeline()).ShouldBe(["org.example.custom"]);
        Types(withoutUrl.Timeline()).ShouldNotContain("org.example.custom");
    }

    [Fact]
    public async Task Room_lists_select_rooms_for_every_section()
    {
        var other = await Client.CreateRoomAsync(alice);

        var only = await SyncAsync($$$"""{"room":{"rooms":["{{{roomId}}}"]}}""");
        var not = await SyncAsync($$$"""{"room":{"not_rooms":["{{{roomId}}}"]}}""");

        only.Room(roomId).ShouldNotBeNull();
        only.Room(other).ShouldBeNull();
        not.Room(roomId).ShouldBeNull();
        not.Room(other).ShouldNotBeNull();
    }

    [Fact]
    public async Task Inner_room_lists_empty_only_that_part_of_the_room()
    {
        var room = (await SyncAsync($$$$"""{"room":{"timeline":{"not_rooms":["{{{{roomId}}}}"]}}}""")).RequireRoom(roomId);

        room.Timeline().ShouldBeEmpty();
        room.StateKeys().ShouldContain(("m.room.create", ""));
    }

    [Fact]
    public async Task State_filter_types_select_state_events()
    {
        var room = (await SyncAsync("""{"room":{"state":{"types":["m.room.name"]}}}""")).RequireRoom(roomId);

        room.StateKeys().ShouldAllBe(k => k.Type == "m.room.name");
    }

    [Fact]
    public async Task Event_fields_keep_only_the_listed_fields_with_escaped_dots()
    {
        await Client.SendEventAsync(alice, roomId, "org.example.dotted", """{"m.key":"kept","other":"dropped"}""");

        var room = (await SyncAsync("""{"event_fields":["type","content.m\\.key"]}""")).RequireRoom(roomId);

        var last = room.Timeline()[^1];
        last.EnumerateObject().Select(p => p.Name).ShouldBe(["type", "content"], ignoreOrder: true);
        last.GetProperty("content").EnumerateObject().Select(p => p.Name).ShouldBe(["m.key"]);
    }

    [Fact]
    public async Task Federation_format_serves_the_pdus()
    {
        var room = (await SyncAsync("""{"event_format":"federation"}""")).RequireRoom(roomId);

        var last = room.Timeline()[^1];
        last.TryGetProperty("auth_events", out var _).ShouldBeTrue();
        last.TryGetProperty("hashes", out var _).ShouldBeTrue();
        last.GetProperty("room_id").GetString().ShouldBe(roomId);
    }

    [Fact]
    public async Task A_stored_filter_is_used_by_its_id()
    {
        var created = await (await Client.PostJsonAsync($"{RoomClient.V3}/user/@alice:example.org/filter", """{"room":{"timeline":{"limit":1}}}""", alice)).ShouldBeOkJsonAsync();

        var sync = await Client.SyncAsync(alice, filter: created.GetProperty("filter_id").GetString());

        sync.RequireRoom(roomId).Timeline().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Account_data_filters_select_global_and_room_account_data()
    {
        await PutAccountDataAsync("/account_data/org.example.keep", """{"a":1}""");
        await PutAccountDataAsync("/account_data/org.example.drop", """{"b":2}""");
        await PutAccountDataAsync($"/rooms/{Uri.EscapeDataString(roomId)}/account_data/org.example.tag", """{"c":3}""");
        await PutAccountDataAsync($"/rooms/{Uri.EscapeDataString(roomId)}/account_data/org.example.hidden", """{"d":4}""");

        var sync = await SyncAsync("""{"account_data":{"not_types":["org.example.drop"]},"room":{"account_data":{"types":["org.example.tag"]}}}""");

        Types(sync.AccountData()).ShouldContain("org.example.keep");
        Types(sync.AccountData()).ShouldNotContain("org.example.drop");
        Types(sync.RequireRoom(roomId).Events("account_data")).ShouldBe(["org.example.tag"]);
    }

    private Task<JsonElement> SyncAsync(string filter) => Client.SyncAsync(alice, filter: filter);

    private Task PutAccountDataAsync(string path, string content) =>
        Client.PutJsonAsync($"{RoomClient.V3}/user/@alice:example.org{path}", content, alice).ContinueWith(t => t.Result.ShouldBeOkJsonAsync()).Unwrap();

    private static List<string> Types(IEnumerable<JsonElement> events) => [.. events.Select(e => e.GetProperty("type").GetString()!)];
}
