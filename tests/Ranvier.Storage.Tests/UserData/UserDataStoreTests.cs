using Ranvier.Storage.Accounts;
using Ranvier.Storage.Tests.Engines;
using Ranvier.Storage.UserData;

namespace Ranvier.Storage.Tests.UserData;

public sealed class UserDataStoreTests : StoreTestBase
{
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";

    private static Task CreateUsersAsync(IRanvierStore store) => Task.WhenAll(
        store.Accounts.CreateUserAsync(new UserRecord(Alice, null, AccountKind.User, 1)),
        store.Accounts.CreateUserAsync(new UserRecord(Bob, null, AccountKind.User, 1)));

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_new_user_starts_with_its_initial_display_name(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.RegisterAsync(new UserRecord(Alice, null, AccountKind.User, 1) { InitialDisplayName = "alice \"A\"" }, null, null);
        await store.Accounts.CreateUserAsync(new UserRecord(Bob, null, AccountKind.User, 1));

        (await store.UserData.GetProfileAsync(Alice))!.ShouldBe(new Dictionary<string, string> { ["displayname"] = "\"alice \\u0022A\\u0022\"" });
        (await store.UserData.GetProfileAsync(Bob))!.ShouldBeEmpty();
        (await store.UserData.GetProfileAsync("@nobody:test")).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_refused_registration_leaves_the_existing_profile_alone(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.Accounts.RegisterAsync(new UserRecord(Alice, null, AccountKind.User, 1) { InitialDisplayName = "first" }, null, null);

        await Should.ThrowAsync<StorageConflictException>(() =>
            store.Accounts.RegisterAsync(new UserRecord(Alice, null, AccountKind.User, 2) { InitialDisplayName = "second" }, null, null));

        (await store.UserData.GetProfileAsync(Alice))!["displayname"].ShouldBe("\"first\"");
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Profile_fields_are_set_replaced_and_deleted(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);

        (await store.UserData.SetProfileFieldAsync(Alice, "displayname", "\"Alice\"", 1000)).ShouldBe(ProfileWriteResult.Written);
        (await store.UserData.SetProfileFieldAsync(Alice, "displayname", "\"Alice W\"", 1000)).ShouldBe(ProfileWriteResult.Written);
        (await store.UserData.SetProfileFieldAsync(Alice, "org.example.x", "{\"a\":1}", 1000)).ShouldBe(ProfileWriteResult.Written);
        (await store.UserData.GetProfileAsync(Alice))!.ShouldBe(new Dictionary<string, string> { ["displayname"] = "\"Alice W\"", ["org.example.x"] = "{\"a\":1}" });
        (await store.UserData.GetProfileAsync(Bob))!.ShouldBeEmpty();

        (await store.UserData.DeleteProfileFieldAsync(Alice, "org.example.x")).ShouldBeTrue();
        (await store.UserData.DeleteProfileFieldAsync(Alice, "org.example.x")).ShouldBeFalse();
        (await store.UserData.GetProfileAsync(Alice))!.Keys.ShouldBe(["displayname"]);
        (await store.UserData.SetProfileFieldAsync("@nobody:test", "displayname", "\"x\"", 1000)).ShouldBe(ProfileWriteResult.UnknownUser);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_profile_write_past_the_size_limit_writes_nothing(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        // {"a.b":"xx"} measures 2 + (3 + 4 + 4) = 13: braces, name, value, quotes/colon/comma.
        (await store.UserData.SetProfileFieldAsync(Alice, "a.b", "\"xx\"", 13)).ShouldBe(ProfileWriteResult.Written);
        (await store.UserData.SetProfileFieldAsync(Alice, "a.c", "1", 20)).ShouldBe(ProfileWriteResult.TooLarge);
        // Replacing a field counts the new value instead of the old one.
        (await store.UserData.SetProfileFieldAsync(Alice, "a.b", "\"xxx\"", 13)).ShouldBe(ProfileWriteResult.TooLarge);
        (await store.UserData.SetProfileFieldAsync(Alice, "a.b", "\"y\"", 13)).ShouldBe(ProfileWriteResult.Written);

        (await store.UserData.GetProfileAsync(Alice))!.ShouldBe(new Dictionary<string, string> { ["a.b"] = "\"y\"" });
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Account_data_takes_positions_on_the_global_stream(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);
        var start = await store.Rooms.GetMaxStreamPositionAsync();

        var p1 = await store.UserData.SetAccountDataAsync(Alice, null, "org.example.a", "{\"v\":1}");
        var p2 = await store.UserData.SetAccountDataAsync(Alice, "!room:test", "org.example.a", "{\"v\":2}");
        var p3 = await store.UserData.SetAccountDataAsync(Bob, null, "org.example.a", "{\"v\":3}");
        var p4 = await store.UserData.SetAccountDataAsync(Alice, null, "org.example.a", "{\"v\":4}");

        new[] { p1, p2, p3, p4 }.ShouldBe([start + 1, start + 2, start + 3, start + 4]);
        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(start + 4);
        (await store.UserData.GetAccountDataAsync(Alice, null, "org.example.a")).ShouldBe("{\"v\":4}");
        (await store.UserData.GetAccountDataAsync(Alice, "!room:test", "org.example.a")).ShouldBe("{\"v\":2}");
        (await store.UserData.GetAccountDataAsync(Alice, "!other:test", "org.example.a")).ShouldBeNull();
        (await store.UserData.GetAccountDataAsync(Bob, "!room:test", "org.example.a")).ShouldBeNull();

        (await store.UserData.GetAccountDataChangedAfterAsync(Alice, 0)).ShouldBe(
        [
            new AccountDataRecord("!room:test", "org.example.a", "{\"v\":2}", p2),
            new AccountDataRecord(null, "org.example.a", "{\"v\":4}", p4),
        ]);
        (await store.UserData.GetAccountDataChangedAfterAsync(Alice, p2)).ShouldBe([new AccountDataRecord(null, "org.example.a", "{\"v\":4}", p4)]);
        (await store.UserData.GetAccountDataChangedAfterAsync(Alice, p4)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Account_data_of_an_unknown_user_fails_and_gives_its_position_back(string engine) => WithStoreAsync(engine, async store =>
    {
        var start = await store.Rooms.GetMaxStreamPositionAsync();

        await Should.ThrowAsync<StorageException>(() => store.UserData.SetAccountDataAsync("@nobody:test", null, "t", "{}"));

        (await store.Rooms.GetMaxStreamPositionAsync()).ShouldBe(start);
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Filters_get_ids_per_user_and_are_only_found_for_their_owner(string engine) => WithStoreAsync(engine, async store =>
    {
        await CreateUsersAsync(store);

        var a0 = await store.UserData.CreateFilterAsync(Alice, "{\"a\":0}");
        var a1 = await store.UserData.CreateFilterAsync(Alice, "{\"a\":1}");
        var b0 = await store.UserData.CreateFilterAsync(Bob, "{\"b\":0}");

        a1.ShouldNotBe(a0);
        (await store.UserData.GetFilterAsync(Alice, a0)).ShouldBe("{\"a\":0}");
        (await store.UserData.GetFilterAsync(Alice, a1)).ShouldBe("{\"a\":1}");
        (await store.UserData.GetFilterAsync(Bob, b0)).ShouldBe("{\"b\":0}");
        (await store.UserData.GetFilterAsync(Bob, a1)).ShouldBeNull();
        await Should.ThrowAsync<StorageException>(() => store.UserData.CreateFilterAsync("@nobody:test", "{}"));
    });
}
