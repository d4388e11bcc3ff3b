using Ranvier.Storage.Accounts;
using Ranvier.Storage.E2ee;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.E2ee;

public sealed class CrossSigningStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";

    private static CrossSigningKeyRecord Key(string userId, CrossSigningUsage usage, string publicKey) =>
        new(userId, usage, publicKey, $$"""{"keys":{"ed25519:{{publicKey}}":"{{publicKey}}"},"user_id":"{{userId}}"}""");

    private static CrossSigningSignatureRecord Signature(string targetUser, SignatureTargetKind kind, string target, string signerUser, string signerKey, string value = "sig") =>
        new(targetUser, kind, target, signerUser, "ed25519:" + signerKey, value);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Keys_are_stored_one_per_usage_and_an_upload_replaces_only_its_usages(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.CrossSigning.SetKeysAsync(Alice, [Key(Alice, CrossSigningUsage.Master, "M1"), Key(Alice, CrossSigningUsage.SelfSigning, "S1")]);
        await store.CrossSigning.SetKeysAsync(Alice, [Key(Alice, CrossSigningUsage.SelfSigning, "S2")]);

        var keys = await store.CrossSigning.GetKeysAsync([Alice, Bob]);

        keys.OrderBy(k => k.Usage).ShouldBe([Key(Alice, CrossSigningUsage.Master, "M1"), Key(Alice, CrossSigningUsage.SelfSigning, "S2")]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Setting_keys_records_the_user_on_the_device_list_stream(string engine) => WithStoreAsync(engine, async store =>
    {
        var before = await store.Rooms.GetMaxStreamPositionAsync();

        var position = await store.CrossSigning.SetKeysAsync(Alice, [Key(Alice, CrossSigningUsage.Master, "M1")]);

        position.ShouldBe(before + 1);
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(position);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Keys_of_another_user_are_refused(string engine) => WithStoreAsync(engine, async store =>
    {
        await Should.ThrowAsync<ArgumentException>(() => store.CrossSigning.SetKeysAsync(Alice, [Key(Bob, CrossSigningUsage.Master, "M1")]));
        (await store.CrossSigning.GetKeysAsync([Alice, Bob])).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Signatures_are_stored_per_target_and_signer_and_record_the_target_users(string engine) => WithStoreAsync(engine, async store =>
    {
        var device = Signature(Alice, SignatureTargetKind.Device, "PHONE", Alice, "S1");
        var master = Signature(Bob, SignatureTargetKind.CrossSigningKey, "BOBMASTER", Alice, "U1");

        var position = await store.CrossSigning.AddSignaturesAsync([device, master]);
        await store.CrossSigning.AddSignaturesAsync([device with { Signature = "newer" }]);

        (await store.CrossSigning.GetSignaturesAsync([Alice])).ShouldBe([device with { Signature = "newer" }]);
        (await store.CrossSigning.GetSignaturesAsync([Bob])).ShouldBe([master]);
        position.ShouldBe(await store.Rooms.GetMaxStreamPositionAsync() - 1);
        (await store.CrossSigning.AddSignaturesAsync([])).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Replacing_a_key_forgets_what_it_signed_and_the_signatures_on_it(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.CrossSigning.SetKeysAsync(Alice, [Key(Alice, CrossSigningUsage.Master, "M1"), Key(Alice, CrossSigningUsage.UserSigning, "U1")]);
        var byOldUserSigning = Signature(Bob, SignatureTargetKind.CrossSigningKey, "BOBMASTER", Alice, "U1");
        var onOldMaster = Signature(Alice, SignatureTargetKind.CrossSigningKey, "M1", Alice, "PHONE");
        var unrelated = Signature(Alice, SignatureTargetKind.Device, "PHONE", Alice, "S1");
        await store.CrossSigning.AddSignaturesAsync([byOldUserSigning, onOldMaster, unrelated]);

        await store.CrossSigning.SetKeysAsync(Alice, [Key(Alice, CrossSigningUsage.Master, "M2"), Key(Alice, CrossSigningUsage.UserSigning, "U2")]);

        (await store.CrossSigning.GetSignaturesAsync([Alice, Bob])).ShouldBe([unrelated]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Re_uploading_the_same_key_keeps_its_signatures(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.CrossSigning.SetKeysAsync(Alice, [Key(Alice, CrossSigningUsage.Master, "M1")]);
        var onMaster = Signature(Alice, SignatureTargetKind.CrossSigningKey, "M1", Alice, "PHONE");
        await store.CrossSigning.AddSignaturesAsync([onMaster]);

        await store.CrossSigning.SetKeysAsync(Alice, [Key(Alice, CrossSigningUsage.Master, "M1")]);

        (await store.CrossSigning.GetSignaturesAsync([Alice])).ShouldBe([onMaster]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deleting_a_device_deletes_the_signatures_on_it(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(new UserRecord(Alice, null, AccountKind.User, 1));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "PHONE", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice, "LAPTOP", null));
        var laptop = Signature(Alice, SignatureTargetKind.Device, "LAPTOP", Alice, "S1");
        await store.CrossSigning.AddSignaturesAsync([Signature(Alice, SignatureTargetKind.Device, "PHONE", Alice, "S1"), laptop]);

        await store.Accounts.DeleteDeviceAsync(Alice, "PHONE");

        (await store.CrossSigning.GetSignaturesAsync([Alice])).ShouldBe([laptop]);
    });

    [Fact]
    public async Task Writes_record_the_users_whose_key_query_answer_changed()
    {
        await using var engine = new SqliteStoreEngine();
        long keysAt, signaturesAt;
        await using (var store = await engine.OpenAsync())
        {
            keysAt = await store.CrossSigning.SetKeysAsync(Alice, [Key(Alice, CrossSigningUsage.Master, "M1")]);
            signaturesAt = (await store.CrossSigning.AddSignaturesAsync(
                [Signature(Bob, SignatureTargetKind.CrossSigningKey, "BOBMASTER", Alice, "U1"), Signature(Alice, SignatureTargetKind.Device, "PHONE", Alice, "S1")]))!.Value;
        }

        using var db = engine.OpenRaw();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT stream_pos, user_id FROM device_list_changes ORDER BY stream_pos, user_id";
        using var reader = command.ExecuteReader();
        var changes = new List<(long, string)>();
        while (reader.Read())
        {
            changes.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        changes.ShouldBe([(keysAt, Alice), (signaturesAt, Alice), (signaturesAt, Bob)]);
    }
}
