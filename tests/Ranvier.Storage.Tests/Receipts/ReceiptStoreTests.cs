using Ranvier.Storage.Receipts;
using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Receipts;

public sealed class ReceiptStoreTests : StoreTestBase
{
    private const string RoomId = "!room:test";
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";

    private static ReceiptWrite Read(string user, string eventId, string? thread = null, string type = "m.read", bool isPrivate = false) =>
        new(RoomId, user, type, thread, eventId, 1000, isPrivate);

    private static async Task<(LinearRoom Room, string First, string Second, string Third)> RoomWithThreeMessagesAsync(IRanvierStore store)
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        await room.SendAsync("m.room.create", "");
        var (first, _) = await room.SendAsync("m.room.message");
        var (second, _) = await room.SendAsync("m.room.message");
        var (third, _) = await room.SendAsync("m.room.message");
        return (room, first, second, third);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_receipt_takes_the_next_stream_position_and_replaces_the_earlier_one(string engine) => WithStoreAsync(engine, async store =>
    {
        var (_, first, second, _) = await RoomWithThreeMessagesAsync(store);
        var before = await store.Rooms.GetMaxStreamPositionAsync();

        var one = await store.Receipts.SetReceiptAsync(Read(Alice, first));
        var two = await store.Receipts.SetReceiptAsync(Read(Alice, second));

        one.ShouldBe(new ReceiptWriteResult(ReceiptWriteOutcome.Stored, before + 1));
        two.ShouldBe(new ReceiptWriteResult(ReceiptWriteOutcome.Stored, before + 2));
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(before + 2, "receipts share the one global stream");
        var stored = await store.Receipts.GetUserReceiptsAsync(RoomId, Alice);
        stored.Count.ShouldBe(1, "only the latest receipt per (room, user, type, thread) is kept");
        stored[0].EventId.ShouldBe(second);
        stored[0].StreamPosition.ShouldBe(before + 2);
        stored[0].Ts.ShouldBe(1000);
        stored[0].ThreadId.ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_receipt_never_moves_backwards_nor_repeats(string engine) => WithStoreAsync(engine, async store =>
    {
        var (_, first, second, _) = await RoomWithThreeMessagesAsync(store);
        await store.Receipts.SetReceiptAsync(Read(Alice, second));
        var max = await store.Rooms.GetMaxStreamPositionAsync();

        (await store.Receipts.SetReceiptAsync(Read(Alice, first))).Outcome.ShouldBe(ReceiptWriteOutcome.NotAhead);
        (await store.Receipts.SetReceiptAsync(Read(Alice, second))).Outcome.ShouldBe(ReceiptWriteOutcome.NotAhead);

        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(max, "an ignored receipt takes no stream position");
        (await store.Receipts.GetUserReceiptsAsync(RoomId, Alice)).Single().EventId.ShouldBe(second);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Types_and_threads_are_kept_apart(string engine) => WithStoreAsync(engine, async store =>
    {
        var (_, first, second, third) = await RoomWithThreeMessagesAsync(store);
        await store.Receipts.SetReceiptAsync(Read(Alice, third));
        (await store.Receipts.SetReceiptAsync(Read(Alice, first, thread: "main"))).Outcome.ShouldBe(ReceiptWriteOutcome.Stored);
        (await store.Receipts.SetReceiptAsync(Read(Alice, second, thread: first))).Outcome.ShouldBe(ReceiptWriteOutcome.Stored);
        (await store.Receipts.SetReceiptAsync(Read(Alice, first, type: "m.read.private", isPrivate: true))).Outcome.ShouldBe(ReceiptWriteOutcome.Stored);

        var stored = await store.Receipts.GetUserReceiptsAsync(RoomId, Alice);
        stored.Select(r => (r.ReceiptType, r.ThreadId, r.EventId)).ShouldBe(
            [("m.read", null, third), ("m.read", "main", first), ("m.read", first, second), ("m.read.private", null, first)]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_receipt_for_an_event_of_another_room_or_an_unknown_event_is_refused(string engine) => WithStoreAsync(engine, async store =>
    {
        var (_, first, _, _) = await RoomWithThreeMessagesAsync(store);
        var other = new LinearRoom(store.Rooms, "!other:test");
        var (otherCreate, _) = await other.SendAsync("m.room.create", "");

        (await store.Receipts.SetReceiptAsync(Read(Alice, otherCreate))).Outcome.ShouldBe(ReceiptWriteOutcome.UnknownEvent);
        (await store.Receipts.SetReceiptAsync(Read(Alice, "$unknown"))).Outcome.ShouldBe(ReceiptWriteOutcome.UnknownEvent);
        (await store.Receipts.SetReceiptAsync(Read(Alice, first) with { RoomId = "!unknown:test" })).Outcome.ShouldBe(ReceiptWriteOutcome.UnknownEvent);
        (await store.Receipts.GetUserReceiptsAsync(RoomId, Alice)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Changed_receipts_are_those_of_the_window_and_private_ones_only_for_their_owner(string engine) => WithStoreAsync(engine, async store =>
    {
        var (_, first, second, _) = await RoomWithThreeMessagesAsync(store);
        var other = new LinearRoom(store.Rooms, "!other:test");
        var (otherCreate, _) = await other.SendAsync("m.room.create", "");
        var p1 = (await store.Receipts.SetReceiptAsync(Read(Alice, first))).StreamPosition!.Value;
        var p2 = (await store.Receipts.SetReceiptAsync(Read(Bob, first, type: "m.read.private", isPrivate: true))).StreamPosition!.Value;
        var p3 = (await store.Receipts.SetReceiptAsync(new ReceiptWrite("!other:test", Bob, "m.read", null, otherCreate, 5, false))).StreamPosition!.Value;
        var p4 = (await store.Receipts.SetReceiptAsync(Read(Bob, second))).StreamPosition!.Value;

        var forAlice = await store.Receipts.GetReceiptsChangedAsync([RoomId, "!other:test"], 0, p4, Alice);
        forAlice.Select(r => r.StreamPosition).ShouldBe([p1, p3, p4]);
        var forBob = await store.Receipts.GetReceiptsChangedAsync([RoomId], p1, p3, Bob);
        forBob.Select(r => (r.StreamPosition, r.IsPrivate)).ShouldBe([(p2, true)], "the window is (after, upto] and the room list applies");
        (await store.Receipts.GetReceiptsChangedAsync([RoomId], p4, p4, Bob)).ShouldBeEmpty();
        (await store.Receipts.GetReceiptsChangedAsync([], 0, p4, Bob)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_room_from_scratch_has_all_own_receipts_and_the_latest_of_others(string engine) => WithStoreAsync(engine, async store =>
    {
        var (_, first, _, third) = await RoomWithThreeMessagesAsync(store);
        var own = (await store.Receipts.SetReceiptAsync(Read(Alice, first, type: "m.read.private", isPrivate: true))).StreamPosition!.Value;
        var users = Enumerable.Range(0, 5).Select(i => $"@u{i}:test").ToList();
        var positions = new List<long>();
        foreach (var user in users)
        {
            positions.Add((await store.Receipts.SetReceiptAsync(Read(user, first))).StreamPosition!.Value);
        }

        await store.Receipts.SetReceiptAsync(Read(Bob, first, type: "m.read.private", isPrivate: true));
        var late = (await store.Receipts.SetReceiptAsync(Read(users[0], third))).StreamPosition!.Value;

        var upto = positions[^1];
        var receipts = await store.Receipts.GetRoomReceiptsAsync(RoomId, Alice, upto, othersLimit: 3);
        receipts.Select(r => r.StreamPosition).ShouldBe([own, positions[2], positions[3], positions[4]]);
        receipts.ShouldNotContain(r => r.StreamPosition == late, "nothing beyond upto");
        (await store.Receipts.GetRoomReceiptsAsync(RoomId, Alice, late, othersLimit: 10)).ShouldNotContain(r => r.UserId == Bob, "another's private receipt");
    });
}
