using Ranvier.Storage.Rooms;
using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;
using static Ranvier.Storage.Tests.Rooms.RoomEvents;

namespace Ranvier.Storage.Tests.Rooms;

public sealed class RoomEventStoreTests : StoreTestBase
{
    private const string RoomId = "!room:test";

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_linear_room_has_stream_positions_extremities_and_state(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, p1) = await room.SendAsync("m.room.create", "");
        var (member, p2) = await room.SendAsync("m.room.member", "@alice:test");
        var (message, p3) = await room.SendAsync("m.room.message");

        new[] { p1.StreamPosition, p2.StreamPosition, p3.StreamPosition }.ShouldBe([1L, 2L, 3L]);
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(3);
        (await store.Rooms.GetForwardExtremitiesAsync(RoomId)).ShouldBe([message]);
        (await store.Rooms.GetRoomVersionAsync(RoomId)).ShouldBe("10");

        var expected = State(("m.room.create", "", create), ("m.room.member", "@alice:test", member));
        (await store.Rooms.GetCurrentStateAsync(RoomId)).ShouldBe(expected, ignoreOrder: true);
        (await store.Rooms.GetStateAtEventAsync(create, StatePoint.Before))!.ShouldBeEmpty();
        (await store.Rooms.GetStateAtEventAsync(member, StatePoint.Before)).ShouldBe(State(("m.room.create", "", create)), ignoreOrder: true);
        (await store.Rooms.GetStateAtEventAsync(member, StatePoint.After)).ShouldBe(expected, ignoreOrder: true);
        (await store.Rooms.GetStateAtEventAsync(message, StatePoint.Before)).ShouldBe(expected, ignoreOrder: true);
        (await store.Rooms.GetStateAtEventAsync(message, StatePoint.After)).ShouldBe(expected, ignoreOrder: true);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Stored_events_read_back_by_id_nid_and_stream_position(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, p1) = await room.SendAsync("m.room.create", "");
        var (member, _) = await room.SendAsync("m.room.member", "@alice:test");
        var (message, p3) = await room.SendAsync("m.room.message");

        var stored = await store.Rooms.GetEventAsync(member);
        stored.ShouldNotBeNull();
        stored.RoomId.ShouldBe(RoomId);
        stored.Type.ShouldBe("m.room.member");
        stored.StateKey.ShouldBe("@alice:test");
        stored.Sender.ShouldBe("@alice:test");
        stored.Depth.ShouldBe(2);
        stored.Status.ShouldBe(EventStatus.Accepted);
        stored.StreamPosition.ShouldBe(2);
        System.Text.Encoding.UTF8.GetString(stored.Json.Span).ShouldContain("\"state_key\":\"@alice:test\"");
        (await store.Rooms.GetEventAsync("$unknown")).ShouldBeNull();

        (await store.Rooms.GetEventsAsync([p3.EventNid, -1, p1.EventNid])).Select(e => e.EventId).ShouldBe([message, create]);
        (await store.Rooms.GetRoomEventsAfterAsync(RoomId, 1, 10)).Select(e => e.EventId).ShouldBe([member, message]);
        (await store.Rooms.GetRoomEventsAfterAsync(RoomId, 1, 1)).Select(e => e.EventId).ShouldBe([member]);
        (await store.Rooms.GetRoomEventsAfterAsync("!other:test", 0, 10)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task State_at_every_event_survives_many_deltas_and_snapshot_rollovers(string engine) => WithStoreAsync(engine, async store =>
    {
        // The test engines bound delta chains at 3, so 20 state changes roll over to fresh snapshots several times.
        var room = new LinearRoom(store.Rooms, RoomId);
        var expectedAfter = new Dictionary<string, Dictionary<StateKey, string>>();
        var expectedBefore = new Dictionary<string, Dictionary<StateKey, string>>();
        for (var i = 0; i < 30; i++)
        {
            var before = new Dictionary<StateKey, string>(room.ExpectedState);
            var (eventId, _) = i == 0 ? await room.SendAsync("m.room.create", "")
                : i % 3 == 2 ? await room.SendAsync("m.room.message")
                : await room.SendAsync("m.room.member", $"@user{i % 5}:test");
            expectedBefore[eventId] = before;
            expectedAfter[eventId] = new Dictionary<StateKey, string>(room.ExpectedState);
        }

        foreach (var eventId in room.EventIds)
        {
            (await store.Rooms.GetStateAtEventAsync(eventId, StatePoint.Before)).ShouldBe(expectedBefore[eventId], ignoreOrder: true, eventId);
            (await store.Rooms.GetStateAtEventAsync(eventId, StatePoint.After)).ShouldBe(expectedAfter[eventId], ignoreOrder: true, eventId);
        }

        (await store.Rooms.GetCurrentStateAsync(RoomId)).ShouldBe(room.ExpectedState, ignoreOrder: true);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_state_delta_can_remove_and_replace_keys(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, _) = await room.SendAsync("m.room.create", "");
        var (alice, _) = await room.SendAsync("m.room.member", "@alice:test");
        var (topic, _) = await room.SendAsync("m.room.topic", "");

        // As if state resolution dropped the topic and picked another member event for alice.
        var changes = new Dictionary<StateKey, string?> { [new("m.room.topic", "")] = null, [new("m.room.member", "@alice:test")] = create };
        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$msg", "m.room.message", null, [topic], 4), new StateInput.Delta(topic, changes)));

        var expected = State(("m.room.create", "", create), ("m.room.member", "@alice:test", create));
        (await store.Rooms.GetStateAtEventAsync("$msg", StatePoint.Before)).ShouldBe(expected, ignoreOrder: true);
        (await store.Rooms.GetCurrentStateAsync(RoomId)).ShouldBe(expected, ignoreOrder: true);
        (await store.Rooms.GetStateAtEventAsync(topic, StatePoint.After))!.Count.ShouldBe(3);
        alice.ShouldNotBe(create);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_fork_has_two_extremities_and_a_merge_event_joins_them(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, _) = await room.SendAsync("m.room.create", "");
        var (member, _) = await room.SendAsync("m.room.member", "@alice:test");

        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$topic", "m.room.topic", "", [member], 3), StateInput.After(member)));
        // $name extends the other branch; the caller resolved both branches into the new current state.
        var resolved = State(("m.room.create", "", create), ("m.room.member", "@alice:test", member), ("m.room.topic", "", "$topic"), ("m.room.name", "", "$name"));
        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$name", "m.room.name", "", [member], 3), StateInput.After(member), new StateInput.Full(resolved)));

        (await store.Rooms.GetForwardExtremitiesAsync(RoomId)).ShouldBe(["$name", "$topic"]);
        (await store.Rooms.GetCurrentStateAsync(RoomId)).ShouldBe(resolved, ignoreOrder: true);
        (await store.Rooms.GetStateAtEventAsync("$name", StatePoint.After))!.ContainsKey(new StateKey("m.room.topic", "")).ShouldBeFalse();

        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$merge", "m.room.message", null, ["$topic", "$name"], 4), new StateInput.Full(resolved)));

        (await store.Rooms.GetForwardExtremitiesAsync(RoomId)).ShouldBe(["$merge"]);
        (await store.Rooms.GetStateAtEventAsync("$merge", StatePoint.After)).ShouldBe(resolved, ignoreOrder: true);
        (await store.Rooms.GetCurrentStateAsync(RoomId)).ShouldBe(resolved, ignoreOrder: true);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task An_event_whose_prev_event_is_missing_is_linked_when_the_prev_event_arrives(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, _) = await room.SendAsync("m.room.create", "");
        var createState = State(("m.room.create", "", create));

        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$late-child", "m.room.message", null, [create, "$gap"], 3), new StateInput.Full(createState)));
        (await store.Rooms.GetForwardExtremitiesAsync(RoomId)).ShouldBe(["$late-child"]);

        // The gap is filled: it has an accepted child already, so it must not become an extremity.
        await store.Rooms.PersistEventAsync(Accepted(Pdu(RoomId, "$gap", "m.room.message", null, [create], 2), StateInput.After(create)));

        (await store.Rooms.GetForwardExtremitiesAsync(RoomId)).ShouldBe(["$late-child"]);
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(3);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Backfilled_events_get_no_stream_position_and_leave_extremities_and_current_state(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, _) = await room.SendAsync("m.room.create", "");
        var (member, _) = await room.SendAsync("m.room.member", "@alice:test");

        var old = Pdu(RoomId, "$old-topic", "m.room.topic", "", [create], 2);
        var persisted = await store.Rooms.PersistEventAsync(Request(old, EventStatus.Accepted, StateInput.After(create), backfilled: true));

        persisted.StreamPosition.ShouldBeNull();
        (await store.Rooms.GetEventAsync("$old-topic"))!.StreamPosition.ShouldBeNull();
        (await store.Rooms.GetStateAtEventAsync("$old-topic", StatePoint.After))!.ContainsKey(new StateKey("m.room.topic", "")).ShouldBeTrue();
        (await store.Rooms.GetForwardExtremitiesAsync(RoomId)).ShouldBe([member]);
        (await store.Rooms.GetCurrentStateAsync(RoomId)).ShouldBe(room.ExpectedState, ignoreOrder: true);
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(2);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Outliers_rejected_and_soft_failed_events_are_stored_but_never_current(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, _) = await room.SendAsync("m.room.create", "");
        var (member, _) = await room.SendAsync("m.room.member", "@alice:test");

        var outlier = await store.Rooms.PersistEventAsync(Request(Pdu(RoomId, "$outlier", "m.room.member", "@bob:test", ["$unknown"], 5), EventStatus.Outlier, null));
        var rejected = await store.Rooms.PersistEventAsync(Request(Pdu(RoomId, "$rejected", "m.room.power_levels", "", [member], 3), EventStatus.Rejected, StateInput.After(member)));
        var softFailed = await store.Rooms.PersistEventAsync(Request(Pdu(RoomId, "$soft", "m.room.topic", "", [member], 3), EventStatus.SoftFailed, StateInput.After(member)));

        new[] { outlier.StreamPosition, rejected.StreamPosition, softFailed.StreamPosition }.ShouldAllBe(p => p == null);
        (await store.Rooms.GetEventAsync("$outlier"))!.Status.ShouldBe(EventStatus.Outlier);
        (await store.Rooms.GetEventAsync("$rejected"))!.Status.ShouldBe(EventStatus.Rejected);
        (await store.Rooms.GetStateAtEventAsync("$outlier", StatePoint.Before)).ShouldBeNull();
        (await store.Rooms.GetStateAtEventAsync("$rejected", StatePoint.After)).ShouldBeNull();
        // A soft-failed event passed auth at its own state, so its state is kept.
        (await store.Rooms.GetStateAtEventAsync("$soft", StatePoint.After))![new StateKey("m.room.topic", "")].ShouldBe("$soft");

        (await store.Rooms.GetForwardExtremitiesAsync(RoomId)).ShouldBe([member]);
        (await store.Rooms.GetCurrentStateAsync(RoomId)).ShouldBe(room.ExpectedState, ignoreOrder: true);
        (await store.Rooms.GetRoomEventsAfterAsync(RoomId, 0, 10)).Select(e => e.EventId).ShouldBe([create, member]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Persisting_an_event_twice_is_a_conflict_that_changes_nothing(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var (create, _) = await room.SendAsync("m.room.create", "");
        var duplicate = Accepted(Pdu(RoomId, create, "m.room.create", "", [], 1), StateInput.Empty);

        await Should.ThrowAsync<StorageConflictException>(() => store.Rooms.PersistEventAsync(duplicate));

        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(1);
        (await store.Rooms.GetRoomEventsAfterAsync(RoomId, 0, 10)).Count.ShouldBe(1);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_failed_persist_leaves_nothing_behind_and_gives_its_stream_position_back(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        await room.SendAsync("m.room.create", "");

        // Fails late: the resolved current state names an event the store does not have.
        var bad = Accepted(Pdu("!new:test", "$bad", "m.room.create", "", [], 1), StateInput.Empty,
            new StateInput.Full(State(("m.room.create", "", "$nowhere"))));
        await Should.ThrowAsync<StorageException>(() => store.Rooms.PersistEventAsync(bad));

        (await store.Rooms.GetEventAsync("$bad")).ShouldBeNull();
        (await store.Rooms.GetRoomVersionAsync("!new:test")).ShouldBeNull();
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(1);
        var (_, next) = await room.SendAsync("m.room.message");
        next.StreamPosition.ShouldBe(2);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_state_input_naming_unknown_events_is_refused(string engine) => WithStoreAsync(engine, async store =>
    {
        var pdu = Pdu(RoomId, "$e", "m.room.message", null, [], 1);

        await Should.ThrowAsync<StorageException>(() => store.Rooms.PersistEventAsync(Accepted(pdu, StateInput.After("$unknown"))));
        await Should.ThrowAsync<StorageException>(() => store.Rooms.PersistEventAsync(Accepted(pdu, new StateInput.Full(State(("m.room.create", "", "$unknown"))))));
        (await store.Rooms.GetEventAsync("$e")).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Concurrent_writers_get_gap_free_stream_positions_in_commit_order(string engine) => WithStoreAsync(engine, async store =>
    {
        const int writers = 8;
        const int eventsPerWriter = 25;
        var positions = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            // One writer per room, as the room service serializes them; rooms run in parallel.
            var room = new LinearRoom(store.Rooms, $"!room{w}:test");
            var mine = new List<long>();
            for (var i = 0; i < eventsPerWriter; i++)
            {
                var (_, persisted) = i == 0 ? await room.SendAsync("m.room.create", "") : await room.SendAsync("m.room.message");
                mine.Add(persisted.StreamPosition!.Value);
            }

            return mine;
        })));

        foreach (var mine in positions)
        {
            mine.ShouldBeInOrder(SortDirection.Ascending);
        }

        positions.SelectMany(p => p).Order().ShouldBe(Enumerable.Range(1, writers * eventsPerWriter).Select(i => (long)i));
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(writers * eventsPerWriter);
    });
}
