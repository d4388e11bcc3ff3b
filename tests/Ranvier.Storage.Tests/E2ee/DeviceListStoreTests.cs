using Ranvier.Storage.Accounts;
using Ranvier.Storage.Tests.Engines;
using Ranvier.Storage.Tests.Rooms;

namespace Ranvier.Storage.Tests.E2ee;

/// <summary>The device-list stream: account writes record into it, and its read side (docs/device-lists.md).</summary>
public sealed class DeviceListStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";
    private const string Carol = "@carol:test";
    private const string Dave = "@dave:test";

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Device_writes_record_changes_at_the_positions_they_return(string engine) => WithStoreAsync(engine, async store =>
    {
        var accounts = store.Accounts;
        (await accounts.RegisterAsync(User(Alice), new DeviceRecord(Alice, "A1", null), null)).ShouldNotBeNull();
        (await accounts.RegisterAsync(User(Bob), null, null)).ShouldBeNull("no device, no change");
        var created = await accounts.CreateDeviceAsync(new DeviceRecord(Bob, "B1", null));
        (await store.DeviceLists.GetChangedUsersAsync(created - 1, created)).ShouldBe([Bob]);

        var login = await accounts.OpenSessionAsync(new DeviceRecord(Bob, "B2", null), Token("b2", Bob, "B2"));
        login.ShouldNotBeNull();
        (await accounts.OpenSessionAsync(new DeviceRecord(Bob, "B2", null), Token("b2again", Bob, "B2"))).ShouldBeNull("a reused device changes nothing");

        var renamed = await accounts.RenameDeviceAsync(Bob, "B2", "phone");
        renamed.ShouldBe(new DeviceListWrite<bool>(true, renamed.StreamPosition));
        renamed.StreamPosition.ShouldNotBeNull();
        (await accounts.RenameDeviceAsync(Bob, "B2", "phone")).ShouldBe(new DeviceListWrite<bool>(true, null), "the same name is no change");
        (await accounts.RenameDeviceAsync(Bob, "NOPE", "x")).ShouldBe(new DeviceListWrite<bool>(false, null));

        var deleted = await accounts.DeleteDeviceAsync(Bob, "B1");
        deleted.Outcome.ShouldBeTrue();
        (await accounts.DeleteDeviceAsync(Bob, "B1")).ShouldBe(new DeviceListWrite<bool>(false, null));
        (await accounts.DeleteDevicesAsync(Bob, ["NOPE"])).ShouldBe(new DeviceListWrite<int>(0, null));
        var deactivated = await accounts.DeactivateUserAsync(Alice);
        deactivated.Outcome.ShouldBeTrue();

        var positions = new[] { created, login.Value, renamed.StreamPosition!.Value, deleted.StreamPosition!.Value, deactivated.StreamPosition!.Value };
        positions.ShouldBeInOrder(SortDirection.Ascending);
        positions.Distinct().Count().ShouldBe(positions.Length);
        (await store.DeviceLists.GetChangedUsersAsync(created, positions[^1])).ShouldBe([Alice, Bob]);
        (await store.DeviceLists.GetChangedUsersAsync(deleted.StreamPosition.Value, deactivated.StreamPosition.Value)).ShouldBe([Alice]);
        (await store.DeviceLists.GetChangedUsersAsync(positions[^1], positions[^1] + 10)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Password_change_with_logout_and_bulk_deletes_record_only_when_devices_go(string engine) => WithStoreAsync(engine, async store =>
    {
        var accounts = store.Accounts;
        await accounts.RegisterAsync(User(Alice), new DeviceRecord(Alice, "A1", null), null);
        await accounts.CreateDeviceAsync(new DeviceRecord(Alice, "A2", null));
        await accounts.CreateDeviceAsync(new DeviceRecord(Alice, "A3", null));

        (await accounts.SetPasswordHashAsync(Alice, "x")).StreamPosition.ShouldBeNull();
        var loggedOut = await accounts.SetPasswordHashAsync(Alice, "y", keepOnlyDeviceId: "A3");
        loggedOut.Outcome.ShouldBeTrue();
        loggedOut.StreamPosition.ShouldNotBeNull();
        (await accounts.DeleteDevicesExceptAsync(Alice, "A3")).ShouldBe(new DeviceListWrite<int>(0, null));
        var all = await accounts.DeleteAllDevicesAsync(Alice);
        all.Outcome.ShouldBe(1);
        all.StreamPosition!.Value.ShouldBeGreaterThan(loggedOut.StreamPosition!.Value);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task The_delta_has_room_mates_whose_devices_changed_and_the_user_themself(string engine) => WithStoreAsync(engine, async store =>
    {
        await RegisterAsync(store, Alice, Bob, Carol);
        var room = new HandBuiltRoom(store.Rooms, "!one:test");
        await room.SendAsync("m.room.create", "", []);
        await room.MemberAsync(Alice, "join");
        await room.MemberAsync(Bob, "join");
        var from = await MaxAsync(store);

        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Bob, "B2", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Carol, "C2", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "A2", null));
        var upto = await MaxAsync(store);

        var delta = await store.DeviceLists.GetDeltaAsync(Alice, from, upto);
        delta.Changed.ShouldBe([Alice, Bob], "Carol shares no room with Alice");
        delta.Left.ShouldBeEmpty();
        (await store.DeviceLists.GetDeltaAsync(Alice, upto, upto + 5)).IsEmpty.ShouldBeTrue();
        (await store.DeviceLists.GetDeltaAsync(Carol, from, upto)).Changed.ShouldBe([Carol], "her own devices count though she is in no room");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Users_who_come_to_share_a_room_are_changed_and_those_who_stop_are_left(string engine) => WithStoreAsync(engine, async store =>
    {
        var one = new HandBuiltRoom(store.Rooms, "!one:test");
        var two = new HandBuiltRoom(store.Rooms, "!two:test");
        await one.SendAsync("m.room.create", "", []);
        await two.SendAsync("m.room.create", "", []);
        await one.MemberAsync(Alice, "join");
        await one.MemberAsync(Bob, "join");
        await one.MemberAsync(Carol, "join");
        await two.MemberAsync(Alice, "join");
        await two.MemberAsync(Carol, "join");
        var from = await MaxAsync(store);

        await one.MemberAsync(Dave, "join");
        await one.MemberAsync(Bob, "leave");
        await one.MemberAsync(Carol, "leave");
        var upto = await MaxAsync(store);

        var delta = await store.DeviceLists.GetDeltaAsync(Alice, from, upto);
        delta.Changed.ShouldBe([Dave]);
        delta.Left.ShouldBe([Bob], "Carol still shares room two");
        (await store.DeviceLists.GetDeltaAsync(Bob, from, upto)).Left.ShouldBe([Alice, Carol, Dave], "Bob left the room they were in");
        (await store.DeviceLists.GetDeltaAsync(Dave, from, upto)).Changed.ShouldBe([Alice], "Dave joined Alice; Bob and Carol had left by then");
        (await store.DeviceLists.GetDeltaAsync(Alice, upto, upto + 1)).IsEmpty.ShouldBeTrue("nothing happened after the window");
    });

    private static UserRecord User(string userId) => new(userId, null, AccountKind.User, 1);

    private static AccessTokenRecord Token(string seed, string userId, string deviceId) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)), userId, deviceId);

    private static async Task RegisterAsync(IRanvierStore store, params string[] userIds)
    {
        foreach (var userId in userIds)
        {
            await store.Accounts.RegisterAsync(User(userId), null, null);
        }
    }

    private static Task<long> MaxAsync(IRanvierStore store) => store.Rooms.GetMaxStreamPositionAsync();
}
