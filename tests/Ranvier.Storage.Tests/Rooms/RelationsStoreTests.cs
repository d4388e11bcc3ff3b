using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Rooms;

public sealed class RelationsStoreTests : StoreTestBase
{
    private const string RoomId = "!room:test";

    /// <summary>A linear v10 room whose events carry the content and sender a test gives them.</summary>
    private sealed class Room(IRoomEventStore store)
    {
        private readonly List<string> _ids = [];
        private int _count;

        public async Task<string> SendAsync(string type, string sender, JsonObject content, string? stateKey = null, string? redacts = null,
            EventStatus status = EventStatus.Accepted, long ts = 0)
        {
            var eventId = $"$e{++_count}";
            var json = new JsonObject
            {
                ["room_id"] = RoomId,
                ["sender"] = sender,
                ["type"] = type,
                ["content"] = content,
                ["origin_server_ts"] = ts == 0 ? 1_700_000_000_000 + _ids.Count : ts,
                ["depth"] = _ids.Count + 1,
                ["prev_events"] = _ids.Count == 0 ? new JsonArray() : new JsonArray(_ids[^1]),
                ["auth_events"] = new JsonArray(),
            };
            if (stateKey is not null)
            {
                json["state_key"] = stateKey;
            }

            if (redacts is not null)
            {
                json["redacts"] = redacts;
            }

            var pdu = Pdu.Parse(json, RoomVersions.V10, eventId);
            StateInput stateBefore = _ids.Count == 0 ? StateInput.Empty : StateInput.After(_ids[^1]);
            await store.PersistEventAsync(new EventToPersist(pdu, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), RoomVersions.V10, status, status == EventStatus.Rejected ? null : stateBefore));
            if (status == EventStatus.Accepted)
            {
                _ids.Add(eventId);
            }

            return eventId;
        }

        public Task<string> RelatedAsync(string sender, string relType, string parent, string type = "m.room.message", JsonObject? extra = null)
        {
            var content = extra ?? [];
            content["m.relates_to"] = new JsonObject { ["rel_type"] = relType, ["event_id"] = parent };
            return SendAsync(type, sender, content);
        }

        public Task<string> EditAsync(string sender, string original, string type = "m.room.message", long ts = 0) =>
            SendAsync(type, sender, new JsonObject
            {
                ["m.new_content"] = new JsonObject { ["body"] = "new" },
                ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.replace", ["event_id"] = original },
            }, ts: ts);
    }

    private static async Task<Room> NewRoomAsync(IRanvierStore store)
    {
        var room = new Room(store.Rooms);
        await room.SendAsync("m.room.create", "@alice:test", new JsonObject { ["creator"] = "@alice:test" }, stateKey: "");
        return room;
    }

    private static RelationsQuery Query(string parent, int limit = 10, string? relType = null, int depth = 1, bool forward = false,
        TopologicalPosition? from = null, TopologicalPosition? to = null) =>
        new(RoomId, parent, relType, null, depth, forward, from, to, limit);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_redaction_is_found_by_its_target_even_when_it_arrived_first(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await NewRoomAsync(store);
        var redaction = await room.SendAsync("m.room.redaction", "@alice:test", [], redacts: "$later");
        var other = await room.SendAsync("m.room.message", "@alice:test", new JsonObject { ["body"] = "x" });

        var found = await store.Relations.GetRedactionsAsync(["$later", other]);

        found.Keys.ShouldBe(["$later"]);
        found["$later"].EventId.ShouldBe(redaction);
        (await store.Relations.GetRedactionsAsync([])).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_new_event_is_served_with_the_redactions_and_relations_stored_before_it_and_after_it(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await NewRoomAsync(store);
        // Over federation a redaction and a relation can come before their target ($e4).
        await room.SendAsync("m.room.redaction", "@bob:test", [], redacts: "$e4");
        var earlyReference = await room.RelatedAsync("@bob:test", "m.reference", "$e4");
        var early = await room.SendAsync("m.room.message", "@alice:test", []);
        var late = await room.SendAsync("m.room.message", "@alice:test", []);
        var plain = await room.SendAsync("m.room.message", "@alice:test", []);
        early.ShouldBe("$e4");

        (await store.Relations.GetRedactionsAsync([early, late, plain])).Keys.ShouldBe([early]);
        var bundled = await store.Relations.GetBundledRelationsAsync(RoomId, [early, late, plain], null);
        bundled.References.Keys.ShouldBe([early]);
        bundled.References[early].ShouldBe([earlyReference]);

        await room.SendAsync("m.room.redaction", "@bob:test", [], redacts: late);
        var lateReference = await room.RelatedAsync("@bob:test", "m.reference", late);

        (await store.Relations.GetRedactionsAsync([early, late, plain])).Keys.Order().ShouldBe([early, late]);
        bundled = await store.Relations.GetBundledRelationsAsync(RoomId, [early, late, plain], null);
        bundled.References.Keys.Order().ShouldBe([early, late]);
        bundled.References[late].ShouldBe([lateReference]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Rejected_events_are_not_indexed(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await NewRoomAsync(store);
        var root = await room.SendAsync("m.room.message", "@alice:test", []);
        await room.SendAsync("m.room.redaction", "@bob:test", [], redacts: root, status: EventStatus.Rejected);

        (await store.Relations.GetRedactionsAsync([root])).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Children_page_in_topological_order_and_recurse_through_matching_relations(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await NewRoomAsync(store);
        var root = await room.SendAsync("m.room.message", "@alice:test", []);
        var a = await room.RelatedAsync("@bob:test", "m.thread", root);
        var b = await room.RelatedAsync("@bob:test", "m.reference", root);
        var grandchild = await room.RelatedAsync("@bob:test", "m.reference", a);
        var reply = await room.SendAsync("m.room.message", "@bob:test", new JsonObject { ["m.relates_to"] = new JsonObject { ["m.in_reply_to"] = new JsonObject { ["event_id"] = root } } });

        var page = await store.Relations.GetRelationsAsync(Query(root));
        page.Events.Select(e => e.EventId).ShouldBe([b, a]);
        page.More.ShouldBeFalse();
        (await store.Relations.GetRelationsAsync(Query(root, forward: true))).Events.Select(e => e.EventId).ShouldBe([a, b]);
        var first = await store.Relations.GetRelationsAsync(Query(root, limit: 1));
        first.More.ShouldBeTrue();
        var next = await store.Relations.GetRelationsAsync(Query(root, from: TopologicalPosition.Of(first.Events[0])));
        next.Events.Select(e => e.EventId).ShouldBe([a]);
        (await store.Relations.GetRelationsAsync(Query(root, depth: 3))).Events.Select(e => e.EventId).ShouldBe([grandchild, b, a]);
        (await store.Relations.GetRelationsAsync(Query(root, relType: "m.reference", depth: 3))).Events.Select(e => e.EventId).ShouldBe([b]);
        (await store.Relations.GetRelationsAsync(Query(reply))).Events.ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Bundles_count_threads_list_references_and_pick_the_latest_valid_edit(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await NewRoomAsync(store);
        var root = await room.SendAsync("m.room.message", "@alice:test", []);
        await room.RelatedAsync("@bob:test", "m.thread", root);
        var latestInThread = await room.RelatedAsync("@carol:test", "m.thread", root);
        var reference = await room.RelatedAsync("@bob:test", "m.reference", root);
        var edit = await room.EditAsync("@alice:test", root, ts: 1_800_000_000_000);
        await room.EditAsync("@alice:test", root, ts: 1_700_000_000_500);
        await room.EditAsync("@bob:test", root, ts: 1_900_000_000_000);
        await room.EditAsync("@alice:test", root, type: "m.sticker", ts: 1_900_000_000_000);
        var editOfEdit = await room.EditAsync("@alice:test", edit);

        var bundle = await store.Relations.GetBundledRelationsAsync(RoomId, [root, edit, "$unknown"], "@bob:test");

        var thread = bundle.Threads[root];
        thread.Count.ShouldBe(2);
        thread.LatestEvent.EventId.ShouldBe(latestInThread);
        thread.ViewerParticipated.ShouldBeTrue();
        (await store.Relations.GetBundledRelationsAsync(RoomId, [root], "@dave:test")).Threads[root].ViewerParticipated.ShouldBeFalse();
        bundle.References[root].ShouldBe([reference]);
        bundle.Replacements[root].EventId.ShouldBe(edit, "same sender and type, latest origin_server_ts");
        bundle.Replacements.ContainsKey(edit).ShouldBeFalse("an edit cannot be edited");
        editOfEdit.ShouldNotBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Redacted_children_leave_relations_bundles_and_threads(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await NewRoomAsync(store);
        var root = await room.SendAsync("m.room.message", "@alice:test", []);
        var reply = await room.RelatedAsync("@bob:test", "m.thread", root);
        var reaction = await room.RelatedAsync("@bob:test", "m.annotation", root, "m.reaction", new JsonObject());
        (await store.Relations.GetThreadRootsAsync(RoomId, null, null, 10)).Select(t => t.Root.EventId).ShouldBe([root]);

        await room.SendAsync("m.room.redaction", "@bob:test", [], redacts: reply);
        await room.SendAsync("m.room.redaction", "@bob:test", [], redacts: reaction);

        (await store.Relations.GetRelationsAsync(Query(root))).Events.ShouldBeEmpty();
        (await store.Relations.GetBundledRelationsAsync(RoomId, [root], null)).Threads.ShouldBeEmpty();
        (await store.Relations.GetThreadRootsAsync(RoomId, null, null, 10)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Thread_roots_order_by_latest_reply_and_filter_by_participant(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await NewRoomAsync(store);
        var first = await room.SendAsync("m.room.message", "@alice:test", []);
        var second = await room.SendAsync("m.room.message", "@bob:test", []);
        await room.RelatedAsync("@bob:test", "m.thread", first);
        await room.RelatedAsync("@carol:test", "m.thread", second);
        var latestOfFirst = await room.RelatedAsync("@carol:test", "m.thread", first);

        var roots = await store.Relations.GetThreadRootsAsync(RoomId, null, null, 10);
        roots.Select(t => t.Root.EventId).ShouldBe([first, second]);
        roots[0].LatestActivity.ShouldBe(TopologicalPosition.Of((await store.Rooms.GetEventAsync(latestOfFirst))!));
        (await store.Relations.GetThreadRootsAsync(RoomId, roots[0].LatestActivity, null, 10)).Select(t => t.Root.EventId).ShouldBe([second]);
        (await store.Relations.GetThreadRootsAsync(RoomId, null, "@bob:test", 10)).Select(t => t.Root.EventId).ShouldBe([first, second]);
        (await store.Relations.GetThreadRootsAsync(RoomId, null, "@alice:test", 10)).Select(t => t.Root.EventId).ShouldBe([first]);
        (await store.Relations.GetThreadRootsAsync(RoomId, null, "@dave:test", 10)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Duplicate_annotations_are_found_by_sender_type_and_key(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await NewRoomAsync(store);
        var root = await room.SendAsync("m.room.message", "@alice:test", []);
        await room.SendAsync("m.reaction", "@bob:test", new JsonObject
        {
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = root, ["key"] = "👍" },
        });

        (await store.Relations.HasAnnotationAsync(root, "@bob:test", "m.reaction", "👍")).ShouldBeTrue();
        (await store.Relations.HasAnnotationAsync(root, "@bob:test", "m.reaction", "👎")).ShouldBeFalse();
        (await store.Relations.HasAnnotationAsync(root, "@alice:test", "m.reaction", "👍")).ShouldBeFalse();
        (await store.Relations.HasAnnotationAsync(root, "@bob:test", "org.example", "👍")).ShouldBeFalse();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Reports_are_stored_and_listed_in_order(string engine) => WithStoreAsync(engine, async store =>
    {
        var first = await store.ContentReports.AddReportAsync(new ContentReport(RoomId, "$e1", "@bob:test", "rude", 1000));
        await store.ContentReports.AddReportAsync(new ContentReport(RoomId, null, "@carol:test", null, 2000));

        var all = await store.ContentReports.GetReportsAsync(0, 10);
        all.Select(r => r.Report).ShouldBe([new ContentReport(RoomId, "$e1", "@bob:test", "rude", 1000), new ContentReport(RoomId, null, "@carol:test", null, 2000)]);
        (await store.ContentReports.GetReportsAsync(first, 10)).Single().Report.Reporter.ShouldBe("@carol:test");
    });
}
