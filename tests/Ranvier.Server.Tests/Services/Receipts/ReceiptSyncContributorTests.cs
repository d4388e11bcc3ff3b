using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Receipts;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Services.Receipts;

/// <summary>The m.receipt part of /sync, computed for hand-made windows over receipts sent through the API.</summary>
public sealed class ReceiptSyncContributorTests : RoomTestBase
{
    private const string AliceId = "@alice:example.org";
    private const string BobId = "@bob:example.org";

    private string _roomId = null!;
    private string _first = null!;
    private string _second = null!;

    protected override async Task SetUpAsync()
    {
        _roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, _roomId);
        _first = await Client.SendTextAsync(alice, _roomId, "one");
        _second = await Client.SendTextAsync(alice, _roomId, "two");
    }

    private SyncToken Now => host.Services.GetRequiredService<StreamNotifier>().Current;

    private async Task PostReceiptAsync(string token, string type, string eventId, string body = "{}") =>
        await (await Client.PostJsonAsync($"{RoomClient.Room(_roomId)}/receipt/{type}/{Uri.EscapeDataString(eventId)}", body, token)).ShouldBeOkJsonAsync();

    /// <summary>The contributor's m.receipt events for <paramref name="userId"/> over (since, now], the room joined.</summary>
    private async Task<JsonArray> SyncAsync(string userId, SyncToken? since, Filter? filter = null, bool fromScratch = false)
    {
        var joined = new HashSet<string> { _roomId };
        var window = new SyncWindow
        {
            Request = new SyncRequest(userId, "DEVICE", since, false, filter ?? Filter.Empty, null, false),
            Upto = Now,
            JoinedRoomIds = joined,
            FromScratchRoomIds = since is null || fromScratch ? joined : new HashSet<string>(),
        };
        var response = new SyncResponse(window.Upto);
        var contributor = host.Services.GetServices<ISyncContributor>().OfType<ReceiptSyncContributor>().Single();
        await contributor.ContributeAsync(window, response, CancellationToken.None);
        return response.Join.TryGetValue(_roomId, out var room) ? room.Ephemeral : [];
    }

    private static JsonNode? Receipt(JsonArray events, string eventId, string type, string userId) =>
        events.Select(e => e!["content"]![eventId]?[type]?[userId]).SingleOrDefault(r => r is not null);

    [Fact]
    public async Task A_receipt_arrives_once_in_the_window_it_was_written_in()
    {
        var since = Now;
        await PostReceiptAsync(bob, "m.read", _first);

        var events = await SyncAsync(AliceId, since);
        var next = await SyncAsync(AliceId, Now);

        var receipt = events.ShouldHaveSingleItem()!;
        receipt["type"]!.GetValue<string>().ShouldBe("m.receipt");
        Receipt(events, _first, "m.read", BobId)!["ts"]!.GetValue<long>().ShouldBeGreaterThan(0);
        next.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_private_receipt_reaches_only_its_owner()
    {
        var since = Now;
        await PostReceiptAsync(bob, "m.read.private", _second);

        Receipt(await SyncAsync(BobId, since), _second, "m.read.private", BobId).ShouldNotBeNull();
        (await SyncAsync(AliceId, since)).ShouldBeEmpty();
        (await SyncAsync(AliceId, null)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_room_from_scratch_has_the_rooms_current_receipts()
    {
        await PostReceiptAsync(bob, "m.read", _first);
        await PostReceiptAsync(alice, "m.read.private", _second);
        await PostReceiptAsync(bob, "m.read", _second);

        var events = await SyncAsync(AliceId, Now, fromScratch: true);

        Receipt(events, _second, "m.read", BobId).ShouldNotBeNull();
        Receipt(events, _first, "m.read", BobId).ShouldBeNull("only the latest receipt is kept");
        Receipt(events, _second, "m.read.private", AliceId).ShouldNotBeNull("the user's own private receipt");
    }

    [Fact]
    public async Task Threads_are_batched_into_events_of_their_own()
    {
        var since = Now;
        await PostReceiptAsync(bob, "m.read", _second);
        await PostReceiptAsync(bob, "m.read", _second, """{"thread_id":"main"}""");

        var events = await SyncAsync(AliceId, since);

        events.Count.ShouldBe(2);
        events.Select(e => e!["content"]![_second]!["m.read"]![BobId]!["thread_id"]?.GetValue<string>()).ShouldBe([null, "main"]);
    }

    [Fact]
    public async Task The_ephemeral_filter_applies_to_type_senders_rooms_and_limit()
    {
        var since = Now;
        await PostReceiptAsync(bob, "m.read", _first);
        await PostReceiptAsync(alice, "m.read", _second);

        (await SyncAsync(AliceId, since, EphemeralFilter(new RoomEventFilter { Types = ["m.typing"] }))).ShouldBeEmpty();
        (await SyncAsync(AliceId, since, EphemeralFilter(new RoomEventFilter { Rooms = ["!elsewhere:example.org"] }))).ShouldBeEmpty();
        (await SyncAsync(AliceId, since, new Filter { Room = new RoomFilter { NotRooms = [_roomId] } })).ShouldBeEmpty();
        (await SyncAsync(AliceId, since, EphemeralFilter(new RoomEventFilter { Limit = 0 }))).ShouldBeEmpty();
        var onlyBob = await SyncAsync(AliceId, since, EphemeralFilter(new RoomEventFilter { Senders = [BobId] }));
        Receipt(onlyBob, _first, "m.read", BobId).ShouldNotBeNull();
        Receipt(onlyBob, _second, "m.read", AliceId).ShouldBeNull();
    }

    private static Filter EphemeralFilter(RoomEventFilter ephemeral) => new() { Room = new RoomFilter { Ephemeral = ephemeral } };

    [Fact]
    public async Task Nothing_beyond_the_windows_end_is_sent()
    {
        var since = Now;
        var upto = Now;
        await PostReceiptAsync(bob, "m.read", _first);

        var window = new SyncWindow
        {
            Request = new SyncRequest(AliceId, "DEVICE", since, false, Filter.Empty, null, false),
            Upto = upto,
            JoinedRoomIds = new HashSet<string> { _roomId },
            FromScratchRoomIds = new HashSet<string>(),
        };
        var response = new SyncResponse(upto);
        await host.Services.GetServices<ISyncContributor>().OfType<ReceiptSyncContributor>().Single().ContributeAsync(window, response, CancellationToken.None);

        response.Join.ShouldBeEmpty("the receipt lies after the window's end");
    }
}
