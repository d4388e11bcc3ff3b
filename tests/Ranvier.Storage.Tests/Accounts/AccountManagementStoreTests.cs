using System.Security.Cryptography;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Accounts;

/// <summary>Password changes, deactivation and device management in the account store.</summary>
public sealed class AccountManagementStoreTests : StoreTestBase
{
    private static readonly UserRecord Alice = new("@alice:test", "$argon2id$old", AccountKind.User, CreatedTs: 1);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Setting_the_password_hash_keeps_devices_unless_asked(string engine) => WithStoreAsync(engine, async store =>
    {
        await WithDevicesAsync(store, "A", "B");

        (await store.Accounts.SetPasswordHashAsync(Alice.UserId, "$argon2id$new")).Outcome.ShouldBeTrue();

        (await store.Accounts.GetUserAsync(Alice.UserId))!.PasswordHash.ShouldBe("$argon2id$new");
        (await store.Accounts.ListDevicesAsync(Alice.UserId)).Count.ShouldBe(2);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Setting_the_password_hash_can_log_out_every_other_device(string engine) => WithStoreAsync(engine, async store =>
    {
        await WithDevicesAsync(store, "A", "B", "C");

        (await store.Accounts.SetPasswordHashAsync(Alice.UserId, "$argon2id$new", keepOnlyDeviceId: "B")).Outcome.ShouldBeTrue();

        (await store.Accounts.ListDevicesAsync(Alice.UserId)).Select(d => d.DeviceId).ShouldBe(["B"]);
        (await store.Accounts.FindAccessTokenAsync(Token("A"))).ShouldBeNull();
        (await store.Accounts.FindAccessTokenAsync(Token("B"))).ShouldNotBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Setting_the_password_of_an_unknown_user_changes_nothing(string engine) => WithStoreAsync(engine, async store =>
    {
        await WithDevicesAsync(store, "A");

        (await store.Accounts.SetPasswordHashAsync("@nobody:test", "x", keepOnlyDeviceId: "Z")).Outcome.ShouldBeFalse();

        (await store.Accounts.GetUserAsync("@nobody:test")).ShouldBeNull();
        (await store.Accounts.ListDevicesAsync(Alice.UserId)).Count.ShouldBe(1);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Replacing_a_hash_only_succeeds_while_it_is_unchanged(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);

        (await store.Accounts.ReplacePasswordHashAsync(Alice.UserId, "$argon2id$stale", "$argon2id$rehash")).ShouldBeFalse();
        (await store.Accounts.GetUserAsync(Alice.UserId))!.PasswordHash.ShouldBe(Alice.PasswordHash);

        (await store.Accounts.ReplacePasswordHashAsync(Alice.UserId, Alice.PasswordHash!, "$argon2id$rehash")).ShouldBeTrue();
        (await store.Accounts.GetUserAsync(Alice.UserId))!.PasswordHash.ShouldBe("$argon2id$rehash");
        (await store.Accounts.ReplacePasswordHashAsync("@nobody:test", "x", "y")).ShouldBeFalse();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deactivation_clears_the_password_and_removes_devices_and_tokens(string engine) => WithStoreAsync(engine, async store =>
    {
        await WithDevicesAsync(store, "A", "B");
        await store.Accounts.CreateUserAsync(new UserRecord("@bob:test", "$argon2id$bob", AccountKind.User, 2));
        await store.Accounts.OpenSessionAsync(new DeviceRecord("@bob:test", "A", null), new AccessTokenRecord(SHA256.HashData("bob"u8), "@bob:test", "A"));

        (await store.Accounts.DeactivateUserAsync(Alice.UserId)).Outcome.ShouldBeTrue();

        (await store.Accounts.GetUserAsync(Alice.UserId)).ShouldBe(Alice with { PasswordHash = null, Deactivated = true });
        (await store.Accounts.ListDevicesAsync(Alice.UserId)).ShouldBeEmpty();
        (await store.Accounts.FindAccessTokenAsync(Token("A"))).ShouldBeNull();
        (await store.Accounts.ListDevicesAsync("@bob:test")).Count.ShouldBe(1);
        (await store.Accounts.DeactivateUserAsync("@nobody:test")).Outcome.ShouldBeFalse();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deactivation_with_erase_removes_profile_account_data_and_filters_and_only_then(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);
        await store.Accounts.CreateUserAsync(new UserRecord("@bob:test", null, AccountKind.User, 2));
        foreach (var user in new[] { Alice.UserId, "@bob:test" })
        {
            await store.UserData.SetProfileFieldAsync(user, "displayname", "\"Name\"", 65536);
            await store.UserData.SetAccountDataAsync(user, null, "m.test", "{}");
            await store.UserData.CreateFilterAsync(user, "{}");
        }

        (await store.Accounts.DeactivateUserAsync("@bob:test")).Outcome.ShouldBeTrue();
        (await store.Accounts.DeactivateUserAsync(Alice.UserId, erase: true)).Outcome.ShouldBeTrue();

        (await store.UserData.GetProfileAsync(Alice.UserId) ?? new Dictionary<string, string>()).ShouldBeEmpty();
        (await store.UserData.GetAccountDataAsync(Alice.UserId, null, "m.test")).ShouldBeNull();
        (await store.UserData.GetFilterAsync(Alice.UserId, 0)).ShouldBeNull();
        (await store.UserData.GetProfileAsync("@bob:test"))!.Count.ShouldBe(1);
        (await store.UserData.GetAccountDataAsync("@bob:test", null, "m.test")).ShouldNotBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_device_can_be_renamed_and_its_name_cleared(string engine) => WithStoreAsync(engine, async store =>
    {
        await WithDevicesAsync(store, "A");

        (await store.Accounts.RenameDeviceAsync(Alice.UserId, "A", "Phone")).Outcome.ShouldBeTrue();
        (await store.Accounts.GetDeviceAsync(Alice.UserId, "A"))!.DisplayName.ShouldBe("Phone");
        (await store.Accounts.RenameDeviceAsync(Alice.UserId, "A", null)).Outcome.ShouldBeTrue();
        (await store.Accounts.GetDeviceAsync(Alice.UserId, "A"))!.DisplayName.ShouldBeNull();
        (await store.Accounts.RenameDeviceAsync(Alice.UserId, "NOPE", "x")).Outcome.ShouldBeFalse();
        (await store.Accounts.RenameDeviceAsync("@bob:test", "A", "x")).Outcome.ShouldBeFalse();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Several_devices_are_deleted_at_once_and_unknown_ones_skipped(string engine) => WithStoreAsync(engine, async store =>
    {
        await WithDevicesAsync(store, "A", "B", "C");

        (await store.Accounts.DeleteDevicesAsync(Alice.UserId, ["A", "C", "C", "NOPE"])).Outcome.ShouldBe(2);

        (await store.Accounts.ListDevicesAsync(Alice.UserId)).Select(d => d.DeviceId).ShouldBe(["B"]);
        (await store.Accounts.FindAccessTokenAsync(Token("C"))).ShouldBeNull();
        (await store.Accounts.DeleteDevicesAsync(Alice.UserId, [])).Outcome.ShouldBe(0);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task All_devices_but_one_are_deleted(string engine) => WithStoreAsync(engine, async store =>
    {
        await WithDevicesAsync(store, "A", "B", "C");

        (await store.Accounts.DeleteDevicesExceptAsync(Alice.UserId, "C")).Outcome.ShouldBe(2);

        (await store.Accounts.ListDevicesAsync(Alice.UserId)).Select(d => d.DeviceId).ShouldBe(["C"]);
        (await store.Accounts.FindAccessTokenAsync(Token("C"))).ShouldNotBeNull();
    });

    private static async Task WithDevicesAsync(IRanvierStore store, params string[] deviceIds)
    {
        await store.Accounts.CreateUserAsync(Alice);
        foreach (var id in deviceIds)
        {
            await store.Accounts.OpenSessionAsync(new DeviceRecord(Alice.UserId, id, null), new AccessTokenRecord(Token(id), Alice.UserId, id));
        }
    }

    private static byte[] Token(string deviceId) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("syt_" + deviceId));
}
