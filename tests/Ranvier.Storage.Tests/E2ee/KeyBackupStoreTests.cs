using Ranvier.Storage.Accounts;
using Ranvier.Storage.E2ee;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.E2ee;

public sealed class KeyBackupStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";
    private const string Room = "!room:test";
    private const string Algorithm = "m.megolm_backup.v1.curve25519-aes-sha2";

    private static async Task CreateUsersAsync(IRanvierStore store)
    {
        await store.Accounts.CreateUserAsync(new UserRecord(Alice, null, AccountKind.User, 1));
        await store.Accounts.CreateUserAsync(new UserRecord(Bob, null, AccountKind.User, 1));
    }

    private static BackedUpRoomKey Key(string session, long index = 0, long forwarded = 0, bool verified = false, string data = """{"c":"x"}""", string room = Room) =>
        new(room, session, index, forwarded, verified, data);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Versions_are_numbered_per_user_and_the_newest_is_current(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        (await store.KeyBackups.GetVersionAsync(Alice, null)).ShouldBeNull();

        (await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, """{"public_key":"a"}""")).ShouldBe("1");
        (await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, """{"public_key":"b"}""")).ShouldBe("2");
        (await store.KeyBackups.CreateVersionAsync(Bob, Algorithm, """{"public_key":"c"}""")).ShouldBe("1");

        (await store.KeyBackups.GetVersionAsync(Alice, null)).ShouldBe(new KeyBackupVersion("2", Algorithm, """{"public_key":"b"}""", 0, 0));
        (await store.KeyBackups.GetVersionAsync(Alice, "1"))!.AuthDataJson.ShouldBe("""{"public_key":"a"}""");
        (await store.KeyBackups.GetVersionAsync(Alice, "3")).ShouldBeNull();
        (await store.KeyBackups.GetVersionAsync(Alice, "01")).ShouldBeNull();
        (await store.KeyBackups.GetVersionAsync(Alice, "x")).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deleting_a_version_removes_its_keys_and_never_reuses_its_number(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}");
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}");
        await store.KeyBackups.PutKeysAsync(Alice, "2", [Key("s1")]);

        (await store.KeyBackups.DeleteVersionAsync(Alice, "2")).ShouldBeTrue();
        (await store.KeyBackups.DeleteVersionAsync(Alice, "2")).ShouldBeTrue();
        (await store.KeyBackups.DeleteVersionAsync(Alice, "9")).ShouldBeFalse();
        (await store.KeyBackups.DeleteVersionAsync(Bob, "1")).ShouldBeFalse();

        (await store.KeyBackups.GetVersionAsync(Alice, "2")).ShouldBeNull();
        (await store.KeyBackups.GetKeysAsync(Alice, "2", null, null)).ShouldBeNull();
        (await store.KeyBackups.GetVersionAsync(Alice, null))!.Version.ShouldBe("1");
        (await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}")).ShouldBe("3");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Updating_keeps_the_algorithm_and_replaces_the_auth_data(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, """{"public_key":"a"}""");

        (await store.KeyBackups.UpdateVersionAsync(Alice, "1", "other", """{"public_key":"z"}""")).ShouldBe(KeyBackupUpdateStatus.AlgorithmMismatch);
        (await store.KeyBackups.UpdateVersionAsync(Alice, "2", Algorithm, """{"public_key":"z"}""")).ShouldBe(KeyBackupUpdateStatus.UnknownVersion);
        (await store.KeyBackups.UpdateVersionAsync(Bob, "1", Algorithm, """{"public_key":"z"}""")).ShouldBe(KeyBackupUpdateStatus.UnknownVersion);
        (await store.KeyBackups.GetVersionAsync(Alice, "1"))!.AuthDataJson.ShouldBe("""{"public_key":"a"}""");

        (await store.KeyBackups.UpdateVersionAsync(Alice, "1", Algorithm, """{"public_key":"b"}""")).ShouldBe(KeyBackupUpdateStatus.Updated);
        (await store.KeyBackups.GetVersionAsync(Alice, "1"))!.AuthDataJson.ShouldBe("""{"public_key":"b"}""");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Keys_go_only_to_the_current_version(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        (await store.KeyBackups.PutKeysAsync(Alice, "1", [Key("s1")])).Status.ShouldBe(KeyBackupWriteStatus.UnknownVersion);
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}");
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}");

        (await store.KeyBackups.PutKeysAsync(Alice, "1", [Key("s1")])).ShouldBe(new KeyBackupWriteResult(KeyBackupWriteStatus.WrongVersion, "2", 0, 0));
        (await store.KeyBackups.PutKeysAsync(Alice, "nope", [Key("s1")])).Status.ShouldBe(KeyBackupWriteStatus.WrongVersion);
        (await store.KeyBackups.GetKeysAsync(Alice, "1", null, null)).ShouldBeEmpty();

        (await store.KeyBackups.PutKeysAsync(Alice, "2", [Key("s1"), Key("s2", room: "!other:test")]))
            .ShouldBe(new KeyBackupWriteResult(KeyBackupWriteStatus.Done, "2", 1, 2));
        (await store.KeyBackups.GetKeysAsync(Bob, "2", null, null)).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_better_key_replaces_the_stored_one_and_a_worse_one_changes_nothing(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}");
        await store.KeyBackups.PutKeysAsync(Alice, "1", [Key("s1", index: 5, forwarded: 2, data: """{"v":1}""")]);

        var worse = await store.KeyBackups.PutKeysAsync(Alice, "1", [Key("s1", index: 6, forwarded: 0, data: """{"v":2}""")]);
        worse.Etag.ShouldBe(1);
        var better = await store.KeyBackups.PutKeysAsync(Alice, "1", [Key("s1", index: 5, forwarded: 1, data: """{"v":3}""")]);
        better.ShouldBe(new KeyBackupWriteResult(KeyBackupWriteStatus.Done, "1", 2, 1));

        var stored = (await store.KeyBackups.GetKeysAsync(Alice, "1", Room, "s1")).ShouldHaveSingleItem();
        stored.ShouldBe(Key("s1", index: 5, forwarded: 1, data: """{"v":3}"""));
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Keys_are_read_and_deleted_by_version_room_or_session(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}");
        await store.KeyBackups.PutKeysAsync(Alice, "1", [Key("s1"), Key("s2"), Key("s3", room: "!b:test"), Key("s4", room: "!c:test")]);

        (await store.KeyBackups.GetKeysAsync(Alice, "1", null, null))!.Select(k => k.SessionId).ShouldBe(["s3", "s4", "s1", "s2"]);
        (await store.KeyBackups.GetKeysAsync(Alice, "1", Room, null))!.Select(k => k.SessionId).ShouldBe(["s1", "s2"]);
        (await store.KeyBackups.GetKeysAsync(Alice, "1", Room, "s3")).ShouldBeEmpty();

        (await store.KeyBackups.DeleteKeysAsync(Alice, "1", Room, "s1")).ShouldBe(new KeyBackupWriteResult(KeyBackupWriteStatus.Done, "1", 2, 3));
        (await store.KeyBackups.DeleteKeysAsync(Alice, "1", Room, "s1")).ShouldBe(new KeyBackupWriteResult(KeyBackupWriteStatus.Done, "1", 2, 3));
        (await store.KeyBackups.DeleteKeysAsync(Alice, "1", "!b:test", null)).Count.ShouldBe(2);
        (await store.KeyBackups.DeleteKeysAsync(Alice, "1", null, null)).ShouldBe(new KeyBackupWriteResult(KeyBackupWriteStatus.Done, "1", 4, 0));
        (await store.KeyBackups.DeleteKeysAsync(Alice, "2", null, null)).Status.ShouldBe(KeyBackupWriteStatus.UnknownVersion);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Keys_may_be_deleted_from_an_older_version_that_still_exists(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}");
        await store.KeyBackups.PutKeysAsync(Alice, "1", [Key("s1")]);
        await store.KeyBackups.CreateVersionAsync(Alice, Algorithm, "{}");

        (await store.KeyBackups.DeleteKeysAsync(Alice, "1", null, null)).ShouldBe(new KeyBackupWriteResult(KeyBackupWriteStatus.Done, "1", 2, 0));
    });

    [Theory]
    [InlineData(true, 9, 9, false, 0, 0, true)]
    [InlineData(false, 0, 0, true, 9, 9, false)]
    [InlineData(false, 3, 9, false, 4, 0, true)]
    [InlineData(false, 4, 0, false, 3, 9, false)]
    [InlineData(true, 3, 1, true, 3, 2, true)]
    [InlineData(true, 3, 2, true, 3, 1, false)]
    [InlineData(true, 3, 2, true, 3, 2, false)]
    public void The_replacement_rule_prefers_verified_then_earlier_index_then_fewer_forwards(
        bool newVerified, long newIndex, long newForwarded, bool storedVerified, long storedIndex, long storedForwarded, bool replaces)
    {
        var candidate = Key("s", newIndex, newForwarded, newVerified);
        var stored = Key("s", storedIndex, storedForwarded, storedVerified);

        candidate.IsBetterThan(stored).ShouldBe(replaces);
    }
}
