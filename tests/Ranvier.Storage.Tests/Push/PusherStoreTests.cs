using Ranvier.Storage.Accounts;
using Ranvier.Storage.Push;
using Ranvier.Storage.Tests.Engines;
using Ranvier.Storage.ToDevice;

namespace Ranvier.Storage.Tests.Push;

public sealed class PusherStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";
    private const string Data = """{"url":"https://push.example/_matrix/push/v1/notify"}""";

    private static async Task CreateDevicesAsync(IRanvierStore store)
    {
        await store.Accounts.CreateUserAsync(new UserRecord(Alice, null, AccountKind.User, 1));
        await store.Accounts.CreateUserAsync(new UserRecord(Bob, null, AccountKind.User, 1));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "PHONE", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "LAPTOP", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Bob, "BOBPHONE", null));
    }

    private static PusherRecord Pusher(string userId, string deviceId, string pushkey = "key1", string appId = "org.example.app", long ts = 1000, string data = Data) =>
        new(userId, appId, pushkey, "http", "Example", "Phone", null, "en", data, deviceId, ts);

    /// <summary>Takes one position of the global stream (a to-device send to oneself), as any other write would.</summary>
    private static async Task<long> AdvanceStreamAsync(IRanvierStore store, string txnId)
    {
        var sent = await store.ToDevice.SendAsync(new ToDeviceSend(Alice, "PHONE", "m.test", txnId, [new ToDeviceTarget(Alice, "PHONE", "{}")], 1), 0);
        return sent.StreamPosition!.Value;
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_pusher_is_stored_listed_and_starts_at_the_end_of_the_stream(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var end = await AdvanceStreamAsync(store, "t1");
        var pusher = Pusher(Alice, "PHONE") with { ProfileTag = "tag" };

        var id = await store.Pushers.SetAsync(pusher, append: false);

        (await store.Pushers.ListAsync(Alice)).ShouldHaveSingleItem().ShouldBe(pusher);
        (await store.Pushers.ListAsync(Bob)).ShouldBeEmpty();
        var state = (await store.Pushers.ListStatesAsync("http")).ShouldHaveSingleItem();
        state.ShouldBe(new PusherState(id, pusher, end, 0, null, null));
        (await store.Pushers.ListStatesAsync("email")).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Setting_the_same_app_id_and_pushkey_replaces_keeping_the_id_and_position_but_not_the_failures(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var id = await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);
        var pushed = await AdvanceStreamAsync(store, "t1");
        (await store.Pushers.RecordPushedAsync(id, pushed)).ShouldBeTrue();
        (await store.Pushers.RecordFailureAsync(id, 5000, 6000)).ShouldBeTrue();
        await AdvanceStreamAsync(store, "t2");

        var replacement = Pusher(Alice, "LAPTOP", ts: 2000, data: """{"url":"https://other.example/_matrix/push/v1/notify","format":"event_id_only"}""");
        (await store.Pushers.SetAsync(replacement, append: false)).ShouldBe(id);

        (await store.Pushers.ListAsync(Alice)).ShouldHaveSingleItem().ShouldBe(replacement);
        (await store.Pushers.ListStatesAsync("http")).ShouldHaveSingleItem().ShouldBe(new PusherState(id, replacement, pushed, 0, null, null));
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_different_pushkey_or_app_id_is_another_pusher(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);
        await store.Pushers.SetAsync(Pusher(Alice, "PHONE", pushkey: "key2"), append: false);
        await store.Pushers.SetAsync(Pusher(Alice, "PHONE", appId: "org.example.other"), append: false);

        (await store.Pushers.ListAsync(Alice)).Select(p => (p.AppId, p.Pushkey))
            .ShouldBe([("org.example.app", "key1"), ("org.example.app", "key2"), ("org.example.other", "key1")]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Without_append_the_same_app_id_and_pushkey_of_other_users_is_removed(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await store.Pushers.SetAsync(Pusher(Bob, "BOBPHONE"), append: false);
        await store.Pushers.SetAsync(Pusher(Bob, "BOBPHONE", pushkey: "bobs-own"), append: false);

        await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);

        (await store.Pushers.ListAsync(Bob)).ShouldHaveSingleItem().Pushkey.ShouldBe("bobs-own");
        (await store.Pushers.ListAsync(Alice)).ShouldHaveSingleItem().Pushkey.ShouldBe("key1");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task With_append_other_users_keep_the_same_app_id_and_pushkey(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await store.Pushers.SetAsync(Pusher(Bob, "BOBPHONE"), append: false);

        await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: true);

        (await store.Pushers.ListAsync(Bob)).ShouldHaveSingleItem();
        (await store.Pushers.ListAsync(Alice)).ShouldHaveSingleItem();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_pusher_for_an_unknown_device_is_refused_and_writes_nothing(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await store.Pushers.SetAsync(Pusher(Bob, "BOBPHONE"), append: false);

        await Should.ThrowAsync<StorageException>(() => store.Pushers.SetAsync(Pusher(Alice, "NOSUCHDEVICE"), append: false));

        (await store.Pushers.ListAsync(Alice)).ShouldBeEmpty();
        (await store.Pushers.ListAsync(Bob)).ShouldHaveSingleItem();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Delete_removes_only_the_named_pusher(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);
        await store.Pushers.SetAsync(Pusher(Alice, "PHONE", pushkey: "key2"), append: false);
        await store.Pushers.SetAsync(Pusher(Bob, "BOBPHONE"), append: true);

        (await store.Pushers.DeleteAsync(Alice, "org.example.app", "key1")).ShouldBeTrue();
        (await store.Pushers.DeleteAsync(Alice, "org.example.app", "key1")).ShouldBeFalse();

        (await store.Pushers.ListAsync(Alice)).ShouldHaveSingleItem().Pushkey.ShouldBe("key2");
        (await store.Pushers.ListAsync(Bob)).ShouldHaveSingleItem().Pushkey.ShouldBe("key1");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deleting_a_device_deletes_the_pushers_it_set(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);
        await store.Pushers.SetAsync(Pusher(Alice, "LAPTOP", pushkey: "key2"), append: false);

        (await store.Accounts.DeleteDeviceAsync(Alice, "PHONE")).Outcome.ShouldBeTrue();

        (await store.Pushers.ListAsync(Alice)).ShouldHaveSingleItem().DeviceId.ShouldBe("LAPTOP");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deactivation_deletes_every_pusher_of_the_user(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);
        await store.Pushers.SetAsync(Pusher(Alice, "LAPTOP", pushkey: "key2"), append: false);
        await store.Pushers.SetAsync(Pusher(Bob, "BOBPHONE", pushkey: "key3"), append: false);

        (await store.Accounts.DeactivateUserAsync(Alice)).Outcome.ShouldBeTrue();

        (await store.Pushers.ListAsync(Alice)).ShouldBeEmpty();
        (await store.Pushers.ListAsync(Bob)).ShouldHaveSingleItem();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Failures_accumulate_keep_their_first_time_and_a_push_clears_them(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var id = await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);
        var start = (await store.Pushers.ListStatesAsync("http")).Single().PushedPosition;

        await store.Pushers.RecordFailureAsync(id, nowTs: 10_000, nextAttemptTs: 11_000);
        await store.Pushers.RecordFailureAsync(id, nowTs: 11_000, nextAttemptTs: 13_000);

        var failing = (await store.Pushers.ListStatesAsync("http")).Single();
        (failing.Failures, failing.FailingSinceTs, failing.NextAttemptTs).ShouldBe((2, 10_000L, 13_000L));

        (await store.Pushers.RecordPushedAsync(id, start + 5)).ShouldBeTrue();
        var recovered = (await store.Pushers.ListStatesAsync("http")).Single();
        (recovered.PushedPosition, recovered.Failures, recovered.FailingSinceTs, recovered.NextAttemptTs).ShouldBe((start + 5, 0, (long?)null, (long?)null));
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task The_pushed_position_never_moves_back(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var id = await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);

        await store.Pushers.RecordPushedAsync(id, 50);
        await store.Pushers.RecordPushedAsync(id, 40);

        (await store.Pushers.ListStatesAsync("http")).Single().PushedPosition.ShouldBe(50);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Progress_of_a_deleted_pusher_lands_nowhere_not_on_its_successor(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateDevicesAsync(store);
        var old = await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);
        (await store.Pushers.DeleteByIdAsync(old)).ShouldBeTrue();
        var successor = await store.Pushers.SetAsync(Pusher(Alice, "PHONE"), append: false);

        successor.ShouldNotBe(old);
        (await store.Pushers.RecordPushedAsync(old, 1_000)).ShouldBeFalse();
        (await store.Pushers.RecordFailureAsync(old, 1, 2)).ShouldBeFalse();
        (await store.Pushers.DeleteByIdAsync(old)).ShouldBeFalse();
        var state = (await store.Pushers.ListStatesAsync("http")).Single();
        (state.PusherId, state.Failures).ShouldBe((successor, 0));
        state.PushedPosition.ShouldBeLessThan(1_000);
    });
}
