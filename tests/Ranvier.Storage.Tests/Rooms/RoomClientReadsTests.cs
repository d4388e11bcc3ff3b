using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Rooms;

/// <summary>The reads client endpoints make: memberships, current-state lookups by key and type, transaction IDs.</summary>
public sealed class RoomClientReadsTests : StoreTestBase
{
    private const string RoomId = "!reads:test";

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Rooms_for_a_user_follow_their_current_membership(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        var other = new HandBuiltRoom(store.Rooms, "!other:test");
        await room.SendAsync(EventTypes.Create, "", []);
        await other.SendAsync(EventTypes.Create, "", []);
        var join = await room.MemberAsync("@bob:test", "join");
        var invite = await other.MemberAsync("@bob:test", "invite");

        (await store.Rooms.GetRoomsForUserAsync("@bob:test")).ShouldBe(
            [new RoomMembership("!other:test", "invite", invite), new RoomMembership(RoomId, "join", join)]);

        var leave = await room.MemberAsync("@bob:test", "leave");
        (await store.Rooms.GetRoomsForUserAsync("@bob:test")).ShouldContain(new RoomMembership(RoomId, "leave", leave));
        (await store.Rooms.GetRoomsForUserAsync("@carol:test")).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Current_state_events_are_read_by_key_and_by_type(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        var create = await room.SendAsync(EventTypes.Create, "", []);
        var alice = await room.MemberAsync("@alice:test", "join");
        var bob = await room.MemberAsync("@bob:test", "join");
        await room.SendAsync(EventTypes.Name, "", new JsonObject { ["name"] = "old" });
        var name = await room.SendAsync(EventTypes.Name, "", new JsonObject { ["name"] = "new" });
        await room.SendAsync("m.room.message", null, []);

        var byKey = await store.Rooms.GetCurrentStateEventsAsync(RoomId, [new StateKey(EventTypes.Name, ""), new StateKey(EventTypes.Member, "@bob:test"), new StateKey("x", "")]);
        byKey.Keys.ShouldBe([new StateKey(EventTypes.Name, ""), new StateKey(EventTypes.Member, "@bob:test")], ignoreOrder: true);
        byKey[new StateKey(EventTypes.Name, "")].EventId.ShouldBe(name);

        (await store.Rooms.GetCurrentStateEventsOfTypeAsync(RoomId, EventTypes.Member)).Select(e => e.EventId).ShouldBe([alice, bob]);
        (await store.Rooms.GetCurrentStateEventsOfTypeAsync(RoomId, null)).Select(e => e.EventId).ShouldBe([create, alice, bob, name], ignoreOrder: true);
        (await store.Rooms.GetCurrentStateEventsOfTypeAsync("!unknown:test", null)).ShouldBeEmpty();
        (await store.Rooms.GetEventsByIdAsync([name, "$missing", create])).Select(e => e.EventId).ShouldBe([name, create]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_client_transaction_is_recorded_with_its_event_and_cannot_create_a_second(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        await room.SendAsync(EventTypes.Create, "", []);
        var txn = new ClientTransaction("@alice:test", "DEV", RoomId, "t1");
        (await store.Rooms.GetTransactionEventIdAsync(txn)).ShouldBeNull();

        var sent = await room.SendAsync("m.room.message", null, [], txn);
        (await store.Rooms.GetTransactionEventIdAsync(txn)).ShouldBe(sent);
        (await store.Rooms.GetTransactionEventIdAsync(txn with { DeviceId = "OTHER" })).ShouldBeNull();
        (await store.Rooms.GetTransactionEventIdAsync(txn with { RoomId = "!other:test" })).ShouldBeNull();

        var position = await store.Rooms.GetMaxStreamPositionAsync();
        await Should.ThrowAsync<TransactionConflictException>(() => room.SendAsync("m.room.message", null, [], txn));
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(position, "the refused event left nothing behind");
        (await store.Rooms.GetEventAsync($"${RoomId[1..]}/3")).ShouldBeNull();
    });
}
