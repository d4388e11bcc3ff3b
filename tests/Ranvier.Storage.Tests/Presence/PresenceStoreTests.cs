using Ranvier.Storage.Accounts;
using Ranvier.Storage.Presence;
using Ranvier.Storage.Tests.Engines;
using Ranvier.Storage.Tests.Rooms;

namespace Ranvier.Storage.Tests.Presence;

public sealed class PresenceStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";
    private const string Carol = "@carol:test";

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Each_visible_change_takes_the_next_global_stream_position(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(new UserRecord(Alice, null, AccountKind.User, 1));
        var start = await store.Rooms.GetMaxStreamPositionAsync();

        var first = await store.Presence.SetAsync(Alice, "online", "hi", 1000, currentlyActive: true);
        var accountData = await store.UserData.SetAccountDataAsync(Alice, null, "x", "{}");
        var second = await store.Presence.SetAsync(Alice, "unavailable", null, 1000, currentlyActive: false);

        first.StreamPosition.ShouldBe(start + 1);
        accountData.ShouldBe(start + 2, "presence and account data share the one stream");
        second.StreamPosition.ShouldBe(start + 3);
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(second.StreamPosition);
        (await store.Presence.GetAsync(Alice)).ShouldBe(new PresenceRecord(Alice, "unavailable", null, 1000, false, second.StreamPosition));
        (await store.Presence.GetAsync(Bob)).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Changes_are_read_by_stream_window_and_by_user(string engine) => WithStoreAsync(engine, async store =>
    {
        var a = await store.Presence.SetAsync(Alice, "online", null, 1, true);
        await store.Presence.SetAsync(Bob, "online", "busy", 2, false);
        var c = await store.Presence.SetAsync(Carol, "offline", null, 3, false);
        var a2 = await store.Presence.SetAsync(Alice, "unavailable", null, 1, false);

        (await store.Presence.GetChangedAsync(a.StreamPosition, c.StreamPosition)).Select(r => r.UserId).ShouldBe([Bob, Carol],
            "Alice's only row now sits after the window");
        (await store.Presence.GetChangedAsync(0, a2.StreamPosition)).Select(r => r.UserId).ShouldBe([Bob, Carol, Alice]);
        (await store.Presence.GetChangedAsync(a2.StreamPosition, a2.StreamPosition + 10)).ShouldBeEmpty();
        (await store.Presence.GetManyAsync([Carol, Alice, "@nobody:test"])).Select(r => r.UserId).ShouldBe([Alice, Carol]);
        (await store.Presence.GetManyAsync([])).ShouldBeEmpty();
        (await store.Presence.GetNotOfflineAsync()).Select(r => r.UserId).ShouldBe([Alice, Bob]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Touching_last_active_takes_no_stream_position_and_never_moves_it_back(string engine) => WithStoreAsync(engine, async store =>
    {
        var set = await store.Presence.SetAsync(Alice, "online", null, 1000, true);

        (await store.Presence.TouchLastActiveAsync(Alice, 5000)).ShouldBeTrue();
        (await store.Presence.TouchLastActiveAsync(Alice, 2000)).ShouldBeTrue();
        (await store.Presence.TouchLastActiveAsync(Bob, 5000)).ShouldBeFalse();

        (await store.Presence.GetAsync(Alice)).ShouldBe(set with { LastActiveTs = 5000 });
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(set.StreamPosition);
        (await store.Presence.GetAsync(Bob)).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Presence_survives_reopening_the_store(string engine)
    {
        return Run();

        async Task Run()
        {
            await using var opened = StoreEngines.Create(engine);
            PresenceRecord written;
            await using (var store = await opened.OpenAsync())
            {
                written = await store.Presence.SetAsync(Alice, "unavailable", "away", 42, false);
            }

            await using (var store = await opened.OpenAsync())
            {
                (await store.Presence.GetAsync(Alice)).ShouldBe(written);
            }
        }
    }
}

public sealed class RoomMatesStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";
    private const string Carol = "@carol:test";
    private const string Dave = "@dave:test";

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Room_mates_are_the_users_joined_to_a_room_the_user_is_joined_to(string engine) => WithStoreAsync(engine, async store =>
    {
        var one = new HandBuiltRoom(store.Rooms, "!one:test");
        var two = new HandBuiltRoom(store.Rooms, "!two:test");
        await one.SendAsync("m.room.create", "", []);
        await two.SendAsync("m.room.create", "", []);
        await one.MemberAsync(Alice, "join");
        await one.MemberAsync(Bob, "join");
        await one.MemberAsync(Carol, "invite");
        await two.MemberAsync(Bob, "join");
        await two.MemberAsync(Dave, "join");

        (await store.RoomMemberships.GetRoomMatesAsync(Alice)).Select(m => m.UserId).ShouldBe([Alice, Bob]);
        (await store.RoomMemberships.GetRoomMatesAsync(Bob)).Select(m => m.UserId).ShouldBe([Alice, Bob, Dave]);
        (await store.RoomMemberships.GetRoomMatesAsync(Carol)).ShouldBeEmpty("an invite shares nothing");
        (await store.RoomMemberships.SharesRoomAsync(Alice, Bob)).ShouldBeTrue();
        (await store.RoomMemberships.SharesRoomAsync(Alice, Dave)).ShouldBeFalse();
        (await store.RoomMemberships.SharesRoomAsync(Alice, Carol)).ShouldBeFalse();
        (await store.RoomMemberships.SharesRoomAsync(Carol, Alice)).ShouldBeFalse();

        await one.MemberAsync(Bob, "leave");

        (await store.RoomMemberships.GetRoomMatesAsync(Alice)).Select(m => m.UserId).ShouldBe([Alice]);
        (await store.RoomMemberships.SharesRoomAsync(Alice, Bob)).ShouldBeFalse();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_room_mate_is_shared_since_the_later_join_of_the_earliest_shared_room(string engine) => WithStoreAsync(engine, async store =>
    {
        var one = new HandBuiltRoom(store.Rooms, "!one:test");
        var two = new HandBuiltRoom(store.Rooms, "!two:test");
        await one.SendAsync("m.room.create", "", []);
        await two.SendAsync("m.room.create", "", []);
        var aliceInTwo = await PositionAsync(store, await two.MemberAsync(Alice, "join"));
        var bobInTwo = await PositionAsync(store, await two.MemberAsync(Bob, "join"));
        var aliceInOne = await PositionAsync(store, await one.MemberAsync(Alice, "join"));
        var bobInOne = await PositionAsync(store, await one.MemberAsync(Bob, "join"));

        var mates = (await store.RoomMemberships.GetRoomMatesAsync(Alice)).ToDictionary(m => m.UserId, m => m.SharedSince);

        mates[Bob].ShouldBe(bobInTwo, "room two was shared first, from Bob's join");
        mates[Alice].ShouldBe(aliceInTwo);
        aliceInOne.ShouldBeLessThan(bobInOne);
    });

    private static async Task<long> PositionAsync(IRanvierStore store, string eventId) =>
        (await store.Rooms.GetEventAsync(eventId))!.StreamPosition!.Value;
}
