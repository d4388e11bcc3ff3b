using System.Security.Cryptography;
using System.Text;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Accounts;

public sealed class AccountStoreTests : StoreTestBase
{
    private static readonly UserRecord Alice = new("@alice:test", "$argon2id$v=19$hash", AccountKind.User, CreatedTs: 1234);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task User_round_trips(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);
        await store.Accounts.CreateUserAsync(new UserRecord("@guest1:test", null, AccountKind.Guest, 99, Deactivated: true));

        (await store.Accounts.GetUserAsync("@alice:test")).ShouldBe(Alice);
        (await store.Accounts.GetUserAsync("@guest1:test")).ShouldBe(new UserRecord("@guest1:test", null, AccountKind.Guest, 99, true));
        (await store.Accounts.GetUserAsync("@nobody:test")).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Creating_an_existing_user_is_a_conflict(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);

        await Should.ThrowAsync<StorageConflictException>(() => store.Accounts.CreateUserAsync(Alice with { PasswordHash = "other" }));
        (await store.Accounts.GetUserAsync(Alice.UserId))!.PasswordHash.ShouldBe(Alice.PasswordHash);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Devices_are_created_listed_and_deleted(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);
        var phone = new DeviceRecord(Alice.UserId, "PHONE", "Alice's phone", "10.0.0.1", 5000);
        var laptop = new DeviceRecord(Alice.UserId, "LAPTOP", null);
        await store.Accounts.CreateDeviceAsync(phone);
        await store.Accounts.CreateDeviceAsync(laptop);

        (await store.Accounts.GetDeviceAsync(Alice.UserId, "PHONE")).ShouldBe(phone);
        (await store.Accounts.ListDevicesAsync(Alice.UserId)).ShouldBe([laptop, phone]);
        await Should.ThrowAsync<StorageConflictException>(() => store.Accounts.CreateDeviceAsync(phone));

        (await store.Accounts.DeleteDeviceAsync(Alice.UserId, "PHONE")).Outcome.ShouldBeTrue();
        (await store.Accounts.DeleteDeviceAsync(Alice.UserId, "PHONE")).Outcome.ShouldBeFalse();
        (await store.Accounts.ListDevicesAsync(Alice.UserId)).ShouldBe([laptop]);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_device_records_where_it_was_last_seen(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice.UserId, "PHONE", "phone"));

        (await store.Accounts.UpdateDeviceLastSeenAsync(Alice.UserId, "PHONE", "192.0.2.7", 4242)).ShouldBeTrue();
        (await store.Accounts.UpdateDeviceLastSeenAsync(Alice.UserId, "NOPE", "192.0.2.7", 4242)).ShouldBeFalse();

        (await store.Accounts.GetDeviceAsync(Alice.UserId, "PHONE")).ShouldBe(new DeviceRecord(Alice.UserId, "PHONE", "phone", "192.0.2.7", 4242));
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_device_of_an_unknown_user_is_refused(string engine) => WithStoreAsync(engine, async store =>
    {
        await Should.ThrowAsync<StorageException>(() => store.Accounts.CreateDeviceAsync(new DeviceRecord("@ghost:test", "D", null)));
        (await store.Accounts.ListDevicesAsync("@ghost:test")).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Access_tokens_are_found_by_hash_and_deleted_per_device(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice.UserId, "PHONE", null));
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice.UserId, "LAPTOP", null));
        var phoneToken = new AccessTokenRecord(Hash("syt_phone"), Alice.UserId, "PHONE", ExpiresTs: 9999, RefreshTokenHash: Hash("syr_phone"));
        var laptopToken = new AccessTokenRecord(Hash("syt_laptop"), Alice.UserId, "LAPTOP");
        await store.Accounts.StoreAccessTokenAsync(phoneToken);
        await store.Accounts.StoreAccessTokenAsync(laptopToken);

        var found = await store.Accounts.FindAccessTokenAsync(Hash("syt_phone"));
        found.ShouldNotBeNull();
        found.UserId.ShouldBe(Alice.UserId);
        found.DeviceId.ShouldBe("PHONE");
        found.ExpiresTs.ShouldBe(9999);
        found.RefreshTokenHash.ShouldBe(Hash("syr_phone"));
        (await store.Accounts.FindAccessTokenAsync(Hash("syt_unknown"))).ShouldBeNull();

        (await store.Accounts.DeleteAccessTokensAsync(Alice.UserId, "PHONE")).ShouldBe(1);
        (await store.Accounts.FindAccessTokenAsync(Hash("syt_phone"))).ShouldBeNull();
        (await store.Accounts.FindAccessTokenAsync(Hash("syt_laptop"))).ShouldNotBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deleting_a_device_revokes_its_tokens(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);
        await store.Accounts.CreateDeviceAsync(new DeviceRecord(Alice.UserId, "PHONE", null));
        await store.Accounts.StoreAccessTokenAsync(new AccessTokenRecord(Hash("syt_phone"), Alice.UserId, "PHONE"));

        await store.Accounts.DeleteDeviceAsync(Alice.UserId, "PHONE");

        (await store.Accounts.FindAccessTokenAsync(Hash("syt_phone"))).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_token_for_an_unknown_device_is_refused(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);

        await Should.ThrowAsync<StorageException>(() =>
            store.Accounts.StoreAccessTokenAsync(new AccessTokenRecord(Hash("syt_x"), Alice.UserId, "NOPE")));
        (await store.Accounts.FindAccessTokenAsync(Hash("syt_x"))).ShouldBeNull();
    });

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Register_creates_user_device_and_token_together(string engine) => WithStoreAsync(engine, async store =>
    {
        var device = new DeviceRecord(Alice.UserId, "PHONE", "phone");
        var token = new AccessTokenRecord(SHA256.HashData("t1"u8), Alice.UserId, "PHONE");

        await store.Accounts.RegisterAsync(Alice, device, token);

        (await store.Accounts.GetUserAsync(Alice.UserId)).ShouldBe(Alice);
        (await store.Accounts.GetDeviceAsync(Alice.UserId, "PHONE")).ShouldBe(device);
        (await store.Accounts.FindAccessTokenAsync(token.TokenHash))!.DeviceId.ShouldBe("PHONE");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_failed_registration_leaves_nothing_behind(string engine) => WithStoreAsync(engine, async store =>
    {
        var existing = new AccessTokenRecord(SHA256.HashData("taken"u8), "@bob:test", "BOBDEV");
        await store.Accounts.RegisterAsync(new UserRecord("@bob:test", null, AccountKind.User, 1), new DeviceRecord("@bob:test", "BOBDEV", null), existing);

        // The token hash collides, so the whole registration must roll back, user and device included.
        await Should.ThrowAsync<StorageConflictException>(() =>
            store.Accounts.RegisterAsync(Alice, new DeviceRecord(Alice.UserId, "PHONE", null), existing with { UserId = Alice.UserId, DeviceId = "PHONE" }));

        (await store.Accounts.GetUserAsync(Alice.UserId)).ShouldBeNull();
        (await store.Accounts.ListDevicesAsync(Alice.UserId)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Opening_a_session_reuses_an_existing_device(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.RegisterAsync(Alice, new DeviceRecord(Alice.UserId, "PHONE", "named"), null);

        await store.Accounts.OpenSessionAsync(new DeviceRecord(Alice.UserId, "PHONE", "ignored"), new AccessTokenRecord(SHA256.HashData("a"u8), Alice.UserId, "PHONE"));
        await store.Accounts.OpenSessionAsync(new DeviceRecord(Alice.UserId, "LAPTOP", "laptop"), new AccessTokenRecord(SHA256.HashData("b"u8), Alice.UserId, "LAPTOP"));

        (await store.Accounts.GetDeviceAsync(Alice.UserId, "PHONE"))!.DisplayName.ShouldBe("named");
        (await store.Accounts.ListDevicesAsync(Alice.UserId)).Count.ShouldBe(2);
        (await store.Accounts.FindAccessTokenAsync(SHA256.HashData("a"u8))).ShouldNotBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Deleting_all_devices_revokes_every_token(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.CreateUserAsync(Alice);
        await store.Accounts.OpenSessionAsync(new DeviceRecord(Alice.UserId, "A", null), new AccessTokenRecord(SHA256.HashData("a"u8), Alice.UserId, "A"));
        await store.Accounts.OpenSessionAsync(new DeviceRecord(Alice.UserId, "B", null), new AccessTokenRecord(SHA256.HashData("b"u8), Alice.UserId, "B"));

        (await store.Accounts.DeleteAllDevicesAsync(Alice.UserId)).Outcome.ShouldBe(2);

        (await store.Accounts.FindAccessTokenAsync(SHA256.HashData("a"u8))).ShouldBeNull();
        (await store.Accounts.FindAccessTokenAsync(SHA256.HashData("b"u8))).ShouldBeNull();
        (await store.Accounts.GetUserAsync(Alice.UserId)).ShouldNotBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_session_lookup_brings_the_accounts_kind_and_flags(string engine) => WithStoreAsync(engine, async store =>
    {
        var guest = new UserRecord("@123:test", null, AccountKind.Guest, 1);
        await store.Accounts.RegisterAsync(guest, new DeviceRecord(guest.UserId, "G", null), new AccessTokenRecord(SHA256.HashData("g"u8), guest.UserId, "G", 99));
        await store.Accounts.RegisterAsync(Alice, new DeviceRecord(Alice.UserId, "A", null), new AccessTokenRecord(SHA256.HashData("a"u8), Alice.UserId, "A"));

        var session = await store.Accounts.FindSessionAsync(SHA256.HashData("g"u8));

        session.ShouldNotBeNull();
        session.Token.UserId.ShouldBe(guest.UserId);
        session.Token.DeviceId.ShouldBe("G");
        session.Token.ExpiresTs.ShouldBe(99);
        session.Kind.ShouldBe(AccountKind.Guest);
        session.Deactivated.ShouldBeFalse();
        (await store.Accounts.FindSessionAsync(SHA256.HashData("a"u8)))!.Kind.ShouldBe(AccountKind.User);
        (await store.Accounts.FindSessionAsync(SHA256.HashData("nope"u8))).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_session_found_once_still_ends_with_every_write_that_ends_or_changes_it(string engine) => WithStoreAsync(engine, async store =>
    {
        // Each lookup before a write is answered from memory the second time; the write must end that.
        byte[] Token(string name) => SHA256.HashData(Encoding.UTF8.GetBytes(name));
        async Task SignInAsync(string device)
        {
            await store.Accounts.OpenSessionAsync(new DeviceRecord(Alice.UserId, device, null), new AccessTokenRecord(Token(device), Alice.UserId, device));
            (await store.Accounts.FindSessionAsync(Token(device))).ShouldNotBeNull();
            (await store.Accounts.FindSessionAsync(Token(device))).ShouldNotBeNull();
        }

        await store.Accounts.CreateUserAsync(Alice);
        await SignInAsync("LOGOUT");
        await store.Accounts.DeleteAccessTokensAsync(Alice.UserId, "LOGOUT");
        (await store.Accounts.FindSessionAsync(Token("LOGOUT"))).ShouldBeNull();

        await SignInAsync("DELETED");
        await store.Accounts.DeleteDeviceAsync(Alice.UserId, "DELETED");
        (await store.Accounts.FindSessionAsync(Token("DELETED"))).ShouldBeNull();

        await SignInAsync("KEPT");
        await SignInAsync("OTHER");
        await store.Accounts.SetPasswordHashAsync(Alice.UserId, "new", keepOnlyDeviceId: "KEPT");
        (await store.Accounts.FindSessionAsync(Token("OTHER"))).ShouldBeNull();
        (await store.Accounts.FindSessionAsync(Token("KEPT"))).ShouldNotBeNull();

        await store.Accounts.DeactivateUserAsync(Alice.UserId);
        (await store.Accounts.FindSessionAsync(Token("KEPT"))).ShouldBeNull();
    });
}
