using Ranvier.Storage.Rooms;
using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;
using static Ranvier.Storage.Tests.Rooms.RoomEvents;

namespace Ranvier.Storage.Tests.Rooms;

public sealed class TimelineStoreTests : StoreTestBase
{
    private const string RoomId = "!room:test";

    private static async Task<LinearRoom> LinearRoomAsync(IRanvierStore store, int events)
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        await room.SendAsync("m.room.create", "");
        for (var i = 1; i < events; i++)
        {
            await room.SendAsync(i % 4 == 1 ? "m.room.member" : "m.room.message", i % 4 == 1 ? $"@user{i % 3}:test" : null);
        }

        return room;
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Pages_in_both_directions_join_without_gaps_or_duplicates(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await LinearRoomAsync(store, 11);

        var backwards = new List<string>();
        var from = (await store.Rooms.GetLatestTopologicalPositionAsync(RoomId))!.Value;
        while (await store.Rooms.GetTimelineAsync(RoomId, from, null, PaginationDirection.Backwards, 3) is { Count: > 0 } page)
        {
            page.Count.ShouldBeLessThanOrEqualTo(3);
            backwards.AddRange(page.Select(e => e.EventId));
            from = TopologicalPosition.Before(page[^1]);
        }

        backwards.ShouldBe(room.EventIds.Reverse());

        var forwards = new List<string>();
        from = TopologicalPosition.Start;
        while (await store.Rooms.GetTimelineAsync(RoomId, from, null, PaginationDirection.Forwards, 4) is { Count: > 0 } page)
        {
            forwards.AddRange(page.Select(e => e.EventId));
            from = TopologicalPosition.After(page[^1]);
        }

        forwards.ShouldBe(room.EventIds);
        (await store.Rooms.GetTimelineAsync("!other:test", from, null, PaginationDirection.Backwards, 5)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_to_bound_stops_the_page_at_its_gap(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await LinearRoomAsync(store, 8);
        var events = await store.Rooms.GetEventsByIdAsync(room.EventIds);

        var back = await store.Rooms.GetTimelineAsync(RoomId, TopologicalPosition.After(events[6]), TopologicalPosition.After(events[3]), PaginationDirection.Backwards, 10);
        back.Select(e => e.EventId).ShouldBe([room.EventIds[6], room.EventIds[5], room.EventIds[4]]);

        var forward = await store.Rooms.GetTimelineAsync(RoomId, TopologicalPosition.Before(events[1]), TopologicalPosition.After(events[3]), PaginationDirection.Forwards, 10);
        forward.Select(e => e.EventId).ShouldBe([room.EventIds[1], room.EventIds[2], room.EventIds[3]]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Forks_order_by_depth_then_arrival_and_only_accepted_events_are_read(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, _) = await room.SendAsync("m.room.create", "");
        var (member, _) = await room.SendAsync("m.room.member", "@alice:test");
        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$b", "m.room.message", null, [member], 3), StateInput.After(member)));
        await store.Rooms.PersistEventAsync(Request(Pdu(RoomId, "$rejected", "m.room.message", null, [member], 3), EventStatus.Rejected, StateInput.After(member)));
        await store.Rooms.PersistEventAsync(Request(Pdu(RoomId, "$soft", "m.room.message", null, [member], 3), EventStatus.SoftFailed, StateInput.After(member)));
        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$a", "m.room.message", null, [member], 3), StateInput.After(member), new StateInput.Full(room.ExpectedState)));
        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$merge", "m.room.message", null, ["$a", "$b"], 4), new StateInput.Full(room.ExpectedState)));

        var all = await store.Rooms.GetTimelineAsync(RoomId, TopologicalPosition.Start, null, PaginationDirection.Forwards, 100);
        all.Select(e => e.EventId).ShouldBe([create, member, "$b", "$a", "$merge"]);
        var latest = await store.Rooms.GetLatestTopologicalPositionAsync(RoomId);
        latest.ShouldBe(TopologicalPosition.After(all[^1]));
        (await store.Rooms.GetLatestTopologicalPositionAsync("!other:test")).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Stream_positions_convert_to_the_gap_after_the_last_event_at_or_before_them(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await LinearRoomAsync(store, 4);
        var other = new LinearRoom(store.Rooms, "!other:test");
        await other.SendAsync("m.room.create", "");
        var events = await store.Rooms.GetEventsByIdAsync(room.EventIds);

        (await store.Rooms.GetTopologicalPositionAtStreamAsync(RoomId, 0)).ShouldBe(TopologicalPosition.Start);
        (await store.Rooms.GetTopologicalPositionAtStreamAsync(RoomId, events[1].StreamPosition!.Value)).ShouldBe(TopologicalPosition.After(events[1]));
        (await store.Rooms.GetTopologicalPositionAtStreamAsync(RoomId, 1_000)).ShouldBe(TopologicalPosition.After(events[3]));
        (await store.Rooms.GetTopologicalPositionAtStreamAsync("!unknown:test", 1_000)).ShouldBe(TopologicalPosition.Start);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task State_at_many_events_for_a_few_keys_matches_the_full_state(string engine) => WithStoreAsync(engine, async store =>
    {
        // Thirty events with member changes roll the test engines' short state chains over several times.
        var room = new LinearRoom(store.Rooms, RoomId);
        var expectedBefore = new Dictionary<string, Dictionary<StateKey, string>>();
        await room.SendAsync("m.room.create", "");
        for (var i = 1; i < 30; i++)
        {
            var before = new Dictionary<StateKey, string>(room.ExpectedState);
            var (eventId, _) = i % 3 == 0 ? await room.SendAsync("m.room.message") : await room.SendAsync("m.room.member", $"@user{i % 4}:test");
            expectedBefore[eventId] = before;
        }

        await store.Rooms.PersistEventAsync(Request(Pdu(RoomId, "$outlier", "m.room.message", null, ["$unknown"], 40), EventStatus.Outlier, null));
        var keys = new[] { new StateKey("m.room.member", "@user1:test"), new StateKey("m.room.create", ""), new StateKey("m.room.member", "@never:test") };
        var events = await store.Rooms.GetEventsByIdAsync([.. expectedBefore.Keys, "$outlier"]);

        var states = await store.Rooms.GetStateEventsAtEventsAsync(events.Select(e => e.EventNid).ToList(), keys, StatePoint.Before);

        states.Count.ShouldBe(expectedBefore.Count, "the outlier has no state");
        foreach (var stored in events.Where(e => e.EventId != "$outlier"))
        {
            var expected = expectedBefore[stored.EventId].Where(kv => keys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            states[stored.EventNid].ToDictionary(kv => kv.Key, kv => kv.Value.EventId).ShouldBe(expected, ignoreOrder: true, stored.EventId);
        }

        var member = events.First(e => e.Type == "m.room.member");
        var after = await store.Rooms.GetStateEventsAtEventsAsync([member.EventNid], [new StateKey("m.room.member", member.StateKey!)], StatePoint.After);
        after[member.EventNid].Values.Single().EventId.ShouldBe(member.EventId);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Events_are_found_by_timestamp_in_either_direction(string engine) => WithStoreAsync(engine, async store =>
    {
        // LinearRoom stamps each event with a base time plus its depth.
        var room = await LinearRoomAsync(store, 6);
        var events = await store.Rooms.GetEventsByIdAsync(room.EventIds);

        (await store.Rooms.GetEventsByTimestampAsync(RoomId, events[2].OriginServerTs, PaginationDirection.Forwards, 2)).Select(e => e.EventId)
            .ShouldBe([room.EventIds[2], room.EventIds[3]]);
        (await store.Rooms.GetEventsByTimestampAsync(RoomId, events[2].OriginServerTs, PaginationDirection.Backwards, 2)).Select(e => e.EventId)
            .ShouldBe([room.EventIds[2], room.EventIds[1]]);
        (await store.Rooms.GetEventsByTimestampAsync(RoomId, events[5].OriginServerTs + 1, PaginationDirection.Forwards, 2)).ShouldBeEmpty();
        (await store.Rooms.GetEventsByTimestampAsync(RoomId, events[0].OriginServerTs - 1, PaginationDirection.Backwards, 2)).ShouldBeEmpty();
    });
}
