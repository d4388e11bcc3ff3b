using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Rooms;

public sealed class RoomDirectoryStoreTests : StoreTestBase
{
    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Aliases_are_unique_and_listed_per_room(string engine) => WithStoreAsync(engine, async store =>
    {
        var aliases = store.RoomDirectory;
        (await aliases.CreateAliasAsync(new RoomAliasRecord("#b:test", "!one:test", "@alice:test", 5))).ShouldBeTrue();
        (await aliases.CreateAliasAsync(new RoomAliasRecord("#a:test", "!one:test", "@bob:test", 6))).ShouldBeTrue();
        (await aliases.CreateAliasAsync(new RoomAliasRecord("#c:test", "!two:test", "@alice:test", 7))).ShouldBeTrue();

        (await aliases.CreateAliasAsync(new RoomAliasRecord("#b:test", "!two:test", "@bob:test", 8))).ShouldBeFalse();

        (await aliases.GetAliasAsync("#b:test")).ShouldBe(new RoomAliasRecord("#b:test", "!one:test", "@alice:test", 5));
        (await aliases.GetAliasAsync("#B:test")).ShouldBeNull("aliases compare exactly");
        (await aliases.GetAliasesForRoomAsync("!one:test")).ShouldBe(["#a:test", "#b:test"]);
        (await aliases.GetAliasesForRoomAsync("!none:test")).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_deleted_alias_is_gone_and_can_be_taken_again(string engine) => WithStoreAsync(engine, async store =>
    {
        var aliases = store.RoomDirectory;
        await aliases.CreateAliasAsync(new RoomAliasRecord("#a:test", "!one:test", "@alice:test", 5));

        (await aliases.DeleteAliasAsync("#a:test")).ShouldBeTrue();
        (await aliases.DeleteAliasAsync("#a:test")).ShouldBeFalse();

        (await aliases.GetAliasAsync("#a:test")).ShouldBeNull();
        (await aliases.CreateAliasAsync(new RoomAliasRecord("#a:test", "!two:test", "@bob:test", 6))).ShouldBeTrue();
        (await aliases.GetAliasAsync("#a:test"))!.RoomId.ShouldBe("!two:test");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Visibility_is_private_until_published_and_setting_it_twice_changes_nothing(string engine) => WithStoreAsync(engine, async store =>
    {
        var directory = store.RoomDirectory;
        var room = await TestRoom.CreateAsync(store, "!one:test", joined: 1);
        (await directory.IsPublishedAsync(room)).ShouldBeFalse();

        await directory.SetPublishedAsync(room, true);
        await directory.SetPublishedAsync(room, true);
        (await directory.IsPublishedAsync(room)).ShouldBeTrue();
        (await directory.CountPublishedRoomsAsync()).ShouldBe(1);

        await directory.SetPublishedAsync(room, false);
        await directory.SetPublishedAsync(room, false);
        (await directory.IsPublishedAsync(room)).ShouldBeFalse();
        (await directory.CountPublishedRoomsAsync()).ShouldBe(0);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Published_rooms_are_ordered_by_joined_members_then_room_id(string engine) => WithStoreAsync(engine, async store =>
    {
        var directory = store.RoomDirectory;
        foreach (var (id, joined) in new[] { ("!b:test", 2), ("!a:test", 2), ("!c:test", 3), ("!d:test", 1) })
        {
            await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, id, joined));
        }

        await TestRoom.CreateAsync(store, "!unpublished:test", joined: 9);
        await directory.SetPublishedAsync("!unknown:test", true);

        var all = await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(10));

        all.ShouldBe([new(3, "!c:test"), new(2, "!a:test"), new(2, "!b:test"), new(1, "!d:test")]);
        (await directory.CountPublishedRoomsAsync()).ShouldBe(4, "a published room this server does not have is not counted");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Members_who_left_or_were_invited_are_not_counted(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = await TestRoom.CreateAsync(store, "!one:test", joined: 3, extra: [("m.room.member", "@user1:test", new JsonObject { ["membership"] = "leave" }),
            ("m.room.member", "@guest:test", new JsonObject { ["membership"] = "invite" })]);
        await store.RoomDirectory.SetPublishedAsync(room);

        (await store.RoomDirectory.ListPublishedRoomsAsync(new PublishedRoomsQuery(10))).ShouldBe([new(2, room)]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Pages_continue_forward_and_backward_from_a_position(string engine) => WithStoreAsync(engine, async store =>
    {
        var directory = store.RoomDirectory;
        foreach (var (id, joined) in new[] { ("!a:test", 3), ("!b:test", 2), ("!c:test", 2), ("!d:test", 1), ("!e:test", 1) })
        {
            await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, id, joined));
        }

        var first = await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(2));
        var second = await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(2, first[^1]));
        var third = await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(2, second[^1]));
        var back = await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(2, third[0], Backward: true));
        var backToTop = await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(5, second[0], Backward: true));

        first.Select(r => r.RoomId).ShouldBe(["!a:test", "!b:test"]);
        second.Select(r => r.RoomId).ShouldBe(["!c:test", "!d:test"]);
        third.Select(r => r.RoomId).ShouldBe(["!e:test"]);
        back.ShouldBe(second);
        backToTop.ShouldBe(first);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task The_search_term_matches_name_topic_or_canonical_alias(string engine) => WithStoreAsync(engine, async store =>
    {
        var directory = store.RoomDirectory;
        await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, "!name:test", 1, extra: [("m.room.name", "", new JsonObject { ["name"] = "Cheese Lovers" })]));
        await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, "!topic:test", 1, extra: [("m.room.topic", "", new JsonObject { ["topic"] = "all about cheese" })]));
        await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, "!alias:test", 1, extra: [("m.room.canonical_alias", "", new JsonObject { ["alias"] = "#cheese:test" })]));
        await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, "!other:test", 1, extra: [("m.room.name", "", new JsonObject { ["name"] = "Wine" })]));

        var found = await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(10) { SearchTerm = "cheese" });
        var none = await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(10) { SearchTerm = "bread" });

        found.Select(r => r.RoomId).ShouldBe(["!alias:test", "!name:test", "!topic:test"]);
        none.ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Room_types_filter_by_the_create_event_type_with_null_for_untyped_rooms(string engine) => WithStoreAsync(engine, async store =>
    {
        var directory = store.RoomDirectory;
        await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, "!plain:test", 1));
        await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, "!space:test", 1, roomType: "m.space"));
        await directory.SetPublishedAsync(await TestRoom.CreateAsync(store, "!custom:test", 1, roomType: "org.example.custom"));

        async Task<IEnumerable<string>> ListAsync(params string?[] types) =>
            (await directory.ListPublishedRoomsAsync(new PublishedRoomsQuery(10) { RoomTypes = types })).Select(r => r.RoomId);

        (await ListAsync("m.space")).ShouldBe(["!space:test"]);
        (await ListAsync([null])).ShouldBe(["!plain:test"]);
        (await ListAsync(null, "m.space")).ShouldBe(["!plain:test", "!space:test"]);
        (await ListAsync()).ShouldBeEmpty("an empty list keeps no type; callers that mean 'no filter' pass null");
    });

    /// <summary>Rooms with chosen state written straight into the store: a create event, joined members, then extra state.</summary>
    private static class TestRoom
    {
        public static async Task<string> CreateAsync(
            IRanvierStore store, string roomId, int joined, string? roomType = null, (string Type, string StateKey, JsonObject Content)[]? extra = null)
        {
            var create = new JsonObject { ["room_version"] = "10", ["creator"] = "@user0:test" };
            if (roomType is not null)
            {
                create["type"] = roomType;
            }

            var events = new List<(string Type, string StateKey, JsonObject Content)> { (EventTypes.Create, "", create) };
            for (var i = 0; i < joined; i++)
            {
                events.Add((EventTypes.Member, $"@user{i}:test", new JsonObject { ["membership"] = "join" }));
            }

            events.AddRange(extra ?? []);
            string? prev = null;
            for (var i = 0; i < events.Count; i++)
            {
                var (type, stateKey, content) = events[i];
                var eventId = $"${roomId[1..]}/{i}";
                var json = new JsonObject
                {
                    ["room_id"] = roomId,
                    ["sender"] = "@user0:test",
                    ["type"] = type,
                    ["state_key"] = stateKey,
                    ["content"] = content,
                    ["origin_server_ts"] = 1_700_000_000_000 + i,
                    ["depth"] = i + 1,
                    ["prev_events"] = prev is null ? new JsonArray() : new JsonArray(prev),
                    ["auth_events"] = new JsonArray(),
                };
                var pdu = Pdu.Parse(json, RoomVersions.V10, eventId);
                await store.Rooms.PersistEventAsync(new EventToPersist(pdu, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), RoomVersions.V10, EventStatus.Accepted,
                    prev is null ? StateInput.Empty : StateInput.After(prev)));
                prev = eventId;
            }

            return roomId;
        }
    }
}

internal static class RoomDirectoryStoreExtensions
{
    public static Task SetPublishedAsync(this IRoomDirectoryStore directory, string roomId) => directory.SetPublishedAsync(roomId, true);
}
