using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Rooms;

/// <summary>The reads /sync makes: memberships at a position, membership changes, rooms touched, latest events, summaries.</summary>
public sealed class SyncReadsTests : StoreTestBase
{
    private const string RoomId = "!sync:test";
    private const string Other = "!other:test";

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Memberships_at_a_position_ignore_later_member_events(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        var other = new HandBuiltRoom(store.Rooms, Other);
        await room.SendAsync(EventTypes.Create, "", []);
        await other.SendAsync(EventTypes.Create, "", []);
        var join = await room.MemberAsync("@bob:test", "join", "@bob:test");
        var invite = await other.MemberAsync("@bob:test", "invite");
        var position = await store.Rooms.GetMaxStreamPositionAsync();
        var leave = await room.MemberAsync("@bob:test", "leave", "@bob:test");

        var then = await store.Rooms.GetMembershipsAtAsync("@bob:test", position);
        var now = await store.Rooms.GetMembershipsAtAsync("@bob:test", await store.Rooms.GetMaxStreamPositionAsync());

        then.Select(m => (m.RoomId, m.Membership, m.Event.EventId)).ShouldBe([(Other, "invite", invite), (RoomId, "join", join)]);
        now.Select(m => (m.RoomId, m.Membership, m.Event.EventId)).ShouldBe([(Other, "invite", invite), (RoomId, "leave", leave)]);
        (await store.Rooms.GetMembershipsAtAsync("@bob:test", 1)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Membership_events_in_a_window_are_the_users_own_in_stream_order(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        await room.SendAsync(EventTypes.Create, "", []);
        await room.MemberAsync("@bob:test", "join", "@bob:test");
        var after = await store.Rooms.GetMaxStreamPositionAsync();
        var leave = await room.MemberAsync("@bob:test", "leave", "@bob:test");
        await room.MemberAsync("@carol:test", "join", "@carol:test");
        var rejoin = await room.MemberAsync("@bob:test", "join", "@bob:test");

        var changes = await store.Rooms.GetMembershipEventsInRoomAsync("@bob:test", RoomId, after, await store.Rooms.GetMaxStreamPositionAsync());

        changes.Select(c => (c.Membership, c.Event.EventId)).ShouldBe([("leave", leave), ("join", rejoin)]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Rooms_with_events_and_latest_events_read_only_their_window(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        var other = new HandBuiltRoom(store.Rooms, Other);
        await room.SendAsync(EventTypes.Create, "", []);
        await other.SendAsync(EventTypes.Create, "", []);
        var start = await store.Rooms.GetMaxStreamPositionAsync();
        var m1 = await room.SendAsync("m.room.message", null, []);
        var m2 = await room.SendAsync("m.room.message", null, []);
        var m3 = await room.SendAsync("m.room.message", null, []);
        var end = await store.Rooms.GetMaxStreamPositionAsync();
        await other.SendAsync("m.room.message", null, []);

        (await store.Rooms.GetRoomsWithEventsAsync(start, end)).ShouldBe([RoomId]);
        (await store.Rooms.GetRoomsWithEventsAsync(0, end + 1)).ShouldBe([RoomId, Other], ignoreOrder: true);
        (await store.Rooms.GetLatestRoomEventsAsync(RoomId, start, end, 2)).Select(e => e.EventId).ShouldBe([m3, m2]);
        (await store.Rooms.GetLatestRoomEventsAsync(RoomId, start, end - 1, 10)).Select(e => e.EventId).ShouldBe([m2, m1]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Transaction_ids_are_found_only_for_the_sending_device(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        await room.SendAsync(EventTypes.Create, "", []);
        var sent = await room.SendAsync("m.room.message", null, [], new ClientTransaction("@alice:test", "DEV", RoomId, "t1"));
        var nid = (await store.Rooms.GetEventAsync(sent))!.EventNid;

        (await store.Rooms.GetTransactionIdsAsync("@alice:test", "DEV", [nid])).ShouldBe(new Dictionary<long, string> { [nid] = "t1" });
        (await store.Rooms.GetTransactionIdsAsync("@alice:test", "OTHER", [nid])).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_summary_counts_members_and_names_heroes_other_than_the_user(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        await room.SendAsync(EventTypes.Create, "", []);
        await room.MemberAsync("@alice:test", "join");
        await room.MemberAsync("@bob:test", "join", "@bob:test");
        await room.MemberAsync("@carol:test", "invite");
        await room.MemberAsync("@dave:test", "leave", "@dave:test");

        var summary = await store.Rooms.GetRoomMemberSummaryAsync(RoomId, "@alice:test", 5);

        summary.JoinedCount.ShouldBe(2);
        summary.InvitedCount.ShouldBe(1);
        summary.Heroes.ShouldBe(["@bob:test", "@carol:test"]);
        (await store.Rooms.GetRoomMemberSummaryAsync(RoomId, "@alice:test", 1)).Heroes.ShouldBe(["@bob:test"]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Heroes_fall_back_to_former_members_when_nobody_else_is_joined_or_invited(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new HandBuiltRoom(store.Rooms, RoomId);
        await room.SendAsync(EventTypes.Create, "", []);
        await room.MemberAsync("@alice:test", "join");
        await room.MemberAsync("@bob:test", "join", "@bob:test");
        await room.MemberAsync("@bob:test", "leave", "@bob:test");
        await room.SendAsync(EventTypes.Name, "", new JsonObject { ["name"] = "x" });

        (await store.Rooms.GetRoomMemberSummaryAsync(RoomId, "@alice:test", 5)).Heroes.ShouldBe(["@bob:test"]);
    });
}
