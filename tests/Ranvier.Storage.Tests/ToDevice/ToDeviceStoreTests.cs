using Ranvier.Storage.Accounts;
using Ranvier.Storage.Tests.Engines;
using Ranvier.Storage.ToDevice;

namespace Ranvier.Storage.Tests.ToDevice;

public sealed class ToDeviceStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";
    private const long Now = 1_000_000;

    private static async Task CreateDevicesAsync(IRanvierStore store)
    {
        await store.Accounts.CreateUserAsync(new UserRecord(Alice, null, AccountKind.User, 1));
        await store.Accounts.CreateUserAsync(new UserRecord(Bob, null, AccountKind.User, 1));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "ALICE1", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Bob, "PHONE", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Bob, "LAPTOP", null));
    }

    private static ToDeviceSend Send(string txnId, params ToDeviceTarget[] targets) =>
        new(Alice, "ALICE1", "m.test", txnId, targets, Now);

    private static Task<ToDeviceSendResult> SendAsync(IRanvierStore store, string txnId, params ToDeviceTarget[] targets) =>
        store.ToDevice.SendAsync(Send(txnId, targets), forgetTransactionsBeforeMs: 0);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_send_queues_one_message_per_device_at_a_new_stream_position(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var before = await store.Rooms.GetMaxStreamPositionAsync();

        var result = await SendAsync(store, "t1", new ToDeviceTarget(Bob, "PHONE", """{"n":1}"""), new ToDeviceTarget(Alice, "ALICE1", """{"n":2}"""));

        result.ShouldBe(new ToDeviceSendResult(false, 2, before + 1));
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(before + 1);
        var phone = (await store.ToDevice.TakePendingAsync(Bob, "PHONE", before + 1, 100)).ShouldHaveSingleItem();
        phone.Sender.ShouldBe(Alice);
        phone.Type.ShouldBe("m.test");
        phone.ContentJson.ShouldBe("""{"n":1}""");
        phone.StreamPosition.ShouldBe(before + 1);
        (await store.ToDevice.CountPendingAsync(Bob, "LAPTOP")).ShouldBe(0);
        (await store.ToDevice.CountPendingAsync(Alice, "ALICE1")).ShouldBe(1);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_wildcard_reaches_every_device_and_a_named_device_keeps_its_own_message(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);

        var result = await SendAsync(store, "t1", new ToDeviceTarget(Bob, null, """{"to":"all"}"""), new ToDeviceTarget(Bob, "PHONE", """{"to":"phone"}"""));

        result.Queued.ShouldBe(2);
        var upto = result.StreamPosition!.Value;
        (await store.ToDevice.TakePendingAsync(Bob, "PHONE", upto, 100)).ShouldHaveSingleItem().ContentJson.ShouldBe("""{"to":"phone"}""");
        (await store.ToDevice.TakePendingAsync(Bob, "LAPTOP", upto, 100)).ShouldHaveSingleItem().ContentJson.ShouldBe("""{"to":"all"}""");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Unknown_users_and_devices_are_skipped_and_take_no_position(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var before = await store.Rooms.GetMaxStreamPositionAsync();

        var result = await SendAsync(store, "t1", new ToDeviceTarget(Bob, "GONE", "{}"), new ToDeviceTarget("@nobody:test", null, "{}"));

        result.ShouldBe(new ToDeviceSendResult(false, 0, null));
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(before);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_repeated_transaction_writes_nothing_but_the_same_id_for_another_type_or_device_is_new(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "ALICE2", null));
        var target = new ToDeviceTarget(Bob, "PHONE", "{}");

        (await SendAsync(store, "t1", target)).Duplicate.ShouldBeFalse();
        (await SendAsync(store, "t1", target)).ShouldBe(new ToDeviceSendResult(true, 0, null));
        (await store.ToDevice.SendAsync(Send("t1", target) with { EventType = "m.other" }, 0)).Duplicate.ShouldBeFalse();
        (await store.ToDevice.SendAsync(Send("t1", target) with { SenderDeviceId = "ALICE2" }, 0)).Duplicate.ShouldBeFalse();

        (await store.ToDevice.CountPendingAsync(Bob, "PHONE")).ShouldBe(3);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Transactions_older_than_the_cutoff_are_forgotten(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var target = new ToDeviceTarget(Bob, "PHONE", "{}");
        await SendAsync(store, "old", target);

        (await store.ToDevice.SendAsync(Send("new", target) with { NowMs = Now + 10 }, forgetTransactionsBeforeMs: Now + 1)).Duplicate.ShouldBeFalse();

        (await SendAsync(store, "old", target)).Duplicate.ShouldBeFalse();
        (await SendAsync(store, "new", target)).Duplicate.ShouldBeTrue();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Pending_messages_come_in_arrival_order_up_to_the_limit_and_position(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var positions = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            positions.Add((await SendAsync(store, $"t{i}", new ToDeviceTarget(Bob, "PHONE", $$"""{"i":{{i}}}"""))).StreamPosition!.Value);
        }

        (await store.ToDevice.TakePendingAsync(Bob, "PHONE", positions[3], 3)).Select(m => m.ContentJson).ShouldBe(["""{"i":0}""", """{"i":1}""", """{"i":2}"""]);
        (await store.ToDevice.TakePendingAsync(Bob, "PHONE", positions[3], 100)).Count.ShouldBe(4);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Only_messages_carried_by_a_response_at_or_before_the_token_are_deleted(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var first = (await SendAsync(store, "t1", new ToDeviceTarget(Bob, "PHONE", """{"i":1}"""))).StreamPosition!.Value;
        var second = (await SendAsync(store, "t2", new ToDeviceTarget(Bob, "PHONE", """{"i":2}"""))).StreamPosition!.Value;

        // A capped response at `second` carried only the first message; the second is still due.
        await store.ToDevice.TakePendingAsync(Bob, "PHONE", second, limit: 1);
        (await store.ToDevice.DeleteAcknowledgedAsync(Bob, "PHONE", second)).ShouldBe(1);
        (await store.ToDevice.DeleteAcknowledgedAsync(Bob, "PHONE", second)).ShouldBe(0);

        var rest = (await store.ToDevice.TakePendingAsync(Bob, "PHONE", second, 100)).ShouldHaveSingleItem();
        rest.ContentJson.ShouldBe("""{"i":2}""");
        (await store.ToDevice.DeleteAcknowledgedAsync(Bob, "PHONE", first)).ShouldBe(0);
        (await store.ToDevice.DeleteAcknowledgedAsync(Bob, "PHONE", second)).ShouldBe(1);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_message_carried_again_keeps_its_first_delivery_position(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var first = (await SendAsync(store, "t1", new ToDeviceTarget(Bob, "PHONE", "{}"))).StreamPosition!.Value;
        var later = (await SendAsync(store, "t2", new ToDeviceTarget(Alice, "ALICE1", "{}"))).StreamPosition!.Value;

        await store.ToDevice.TakePendingAsync(Bob, "PHONE", first, 100);
        await store.ToDevice.TakePendingAsync(Bob, "PHONE", later, 100);

        (await store.ToDevice.DeleteAcknowledgedAsync(Bob, "PHONE", first)).ShouldBe(1);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deleting_a_device_deletes_its_inbox_and_its_transactions(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await SendAsync(store, "t1", new ToDeviceTarget(Bob, null, "{}"));

        (await store.Accounts.DeleteDeviceAsync(Bob, "PHONE")).Outcome.ShouldBeTrue();
        (await store.Accounts.DeleteDeviceAsync(Alice, "ALICE1")).Outcome.ShouldBeTrue();

        (await store.ToDevice.CountPendingAsync(Bob, "PHONE")).ShouldBe(0);
        (await store.ToDevice.CountPendingAsync(Bob, "LAPTOP")).ShouldBe(1);
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "ALICE1", null));
        (await SendAsync(store, "t1", new ToDeviceTarget(Bob, "LAPTOP", "{}"))).Duplicate.ShouldBeFalse();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_send_from_a_device_that_no_longer_exists_fails_and_writes_nothing(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var before = await store.Rooms.GetMaxStreamPositionAsync();

        await Should.ThrowAsync<StorageException>(() => store.ToDevice.SendAsync(Send("t1", new ToDeviceTarget(Bob, "PHONE", "{}")) with { SenderDeviceId = "GONE" }, 0));

        (await store.ToDevice.CountPendingAsync(Bob, "PHONE")).ShouldBe(0);
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(before);
    });
}
