using Ranvier.Storage.Accounts;
using Ranvier.Storage.E2ee;
using Ranvier.Storage.Tests.Engines;
using Ranvier.Storage.ToDevice;

namespace Ranvier.Storage.Tests.E2ee;

public sealed class DehydratedDeviceStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";

    private static async Task CreateUsersAsync(IRanvierStore store)
    {
        await store.Accounts.CreateUserAsync(new UserRecord(Alice, null, AccountKind.User, 1));
        await store.Accounts.CreateUserAsync(new UserRecord(Bob, null, AccountKind.User, 1));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "PHONE", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Bob, "BOB1", null));
    }

    private static Task<ToDeviceSendResult> SendToAsync(IRanvierStore store, string deviceId, string txnId) =>
        store.ToDevice.SendAsync(new ToDeviceSend(Bob, "BOB1", "m.room_key", txnId, [new ToDeviceTarget(Alice, deviceId, $$"""{"t":"{{txnId}}"}""")], 1), 0);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Setting_creates_the_device_and_records_a_device_list_change(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        var before = await store.Rooms.GetMaxStreamPositionAsync();

        var result = await store.DehydratedDevices.SetAsync(Alice, "DEHY1", "Dehydrated", """{"algorithm":"a"}""");

        result.ShouldBe(new DehydratedDeviceSetResult(DehydratedDeviceSetStatus.Set, null, before + 1));
        (await store.DehydratedDevices.GetAsync(Alice)).ShouldBe(new DehydratedDeviceRecord(Alice, "DEHY1", """{"algorithm":"a"}"""));
        (await store.Accounts.GetDeviceAsync(Alice, "DEHY1"))!.DisplayName.ShouldBe("Dehydrated");
        (await store.DehydratedDevices.GetAsync(Bob)).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_new_dehydrated_device_replaces_and_deletes_the_previous_one_with_its_inbox(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.DehydratedDevices.SetAsync(Alice, "DEHY1", null, "{}");
        await SendToAsync(store, "DEHY1", "t1");

        var result = await store.DehydratedDevices.SetAsync(Alice, "DEHY2", null, """{"n":2}""");

        result.Status.ShouldBe(DehydratedDeviceSetStatus.Set);
        result.ReplacedDeviceId.ShouldBe("DEHY1");
        (await store.Accounts.GetDeviceAsync(Alice, "DEHY1")).ShouldBeNull();
        (await store.ToDevice.CountPendingAsync(Alice, "DEHY1")).ShouldBe(0);
        (await store.DehydratedDevices.GetAsync(Alice))!.DeviceId.ShouldBe("DEHY2");
        (await store.Accounts.ListDevicesAsync(Alice)).Select(d => d.DeviceId).ShouldBe(["DEHY2", "PHONE"]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Setting_the_same_device_again_keeps_its_inbox_and_updates_its_data(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.DehydratedDevices.SetAsync(Alice, "DEHY1", null, """{"n":1}""");
        await SendToAsync(store, "DEHY1", "t1");

        var result = await store.DehydratedDevices.SetAsync(Alice, "DEHY1", null, """{"n":2}""");

        result.ReplacedDeviceId.ShouldBeNull();
        (await store.ToDevice.CountPendingAsync(Alice, "DEHY1")).ShouldBe(1);
        (await store.DehydratedDevices.GetAsync(Alice))!.DeviceDataJson.ShouldBe("""{"n":2}""");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task An_ordinary_device_cannot_become_the_dehydrated_one(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.DehydratedDevices.SetAsync(Alice, "DEHY1", null, "{}");
        var before = await store.Rooms.GetMaxStreamPositionAsync();

        (await store.DehydratedDevices.SetAsync(Alice, "PHONE", null, "{}")).ShouldBe(new DehydratedDeviceSetResult(DehydratedDeviceSetStatus.DeviceIdInUse, null, null));

        (await store.DehydratedDevices.GetAsync(Alice))!.DeviceId.ShouldBe("DEHY1");
        (await store.Accounts.GetDeviceAsync(Alice, "DEHY1")).ShouldNotBeNull();
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(before);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deleting_removes_the_device_and_deleting_the_device_removes_the_mark(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        (await store.DehydratedDevices.DeleteAsync(Alice)).ShouldBeNull();
        await store.DehydratedDevices.SetAsync(Alice, "DEHY1", null, "{}");
        var before = await store.Rooms.GetMaxStreamPositionAsync();

        (await store.DehydratedDevices.DeleteAsync(Alice)).ShouldBe(("DEHY1", before + 1));

        (await store.DehydratedDevices.GetAsync(Alice)).ShouldBeNull();
        (await store.Accounts.GetDeviceAsync(Alice, "DEHY1")).ShouldBeNull();
        await store.DehydratedDevices.SetAsync(Alice, "DEHY2", null, "{}");
        (await store.Accounts.DeleteDeviceAsync(Alice, "DEHY2")).Outcome.ShouldBeTrue();
        (await store.DehydratedDevices.GetAsync(Alice)).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task The_inbox_is_read_in_pages_without_consuming_it(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.DehydratedDevices.SetAsync(Alice, "DEHY1", null, "{}");
        foreach (var txn in new[] { "a", "b", "c" })
        {
            await SendToAsync(store, "DEHY1", txn);
        }

        var first = await store.DehydratedDevices.ReadInboxAsync(Alice, "DEHY1", 0, 2);
        first.Select(m => m.ContentJson).ShouldBe(["""{"t":"a"}""", """{"t":"b"}"""]);
        var second = await store.DehydratedDevices.ReadInboxAsync(Alice, "DEHY1", first[^1].MessageId, 2);
        second.ShouldHaveSingleItem().ContentJson.ShouldBe("""{"t":"c"}""");
        (await store.DehydratedDevices.ReadInboxAsync(Alice, "DEHY1", second[^1].MessageId, 2)).ShouldBeEmpty();

        (await store.DehydratedDevices.ReadInboxAsync(Alice, "DEHY1", 0, 10)).Count.ShouldBe(3);
        (await store.ToDevice.CountPendingAsync(Alice, "DEHY1")).ShouldBe(3);
    });
}
