using Ranvier.Storage.Accounts;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Accounts;

public sealed class RegistrationTokenStoreTests : StoreTestBase
{
    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Tokens_are_created_listed_updated_and_deleted(string engine) => WithStoreAsync(engine, async store =>
    {
        var tokens = store.RegistrationTokens;
        await tokens.CreateAsync("bbb", 3, 5000);
        await tokens.CreateAsync("aaa", null, null);

        (await tokens.GetAsync("bbb")).ShouldBe(new RegistrationTokenRecord("bbb", 3, 0, 0, 5000));
        (await tokens.ListAsync()).Select(t => t.Token).ShouldBe(["aaa", "bbb"]);
        await Should.ThrowAsync<StorageConflictException>(() => tokens.CreateAsync("aaa", 1, null));

        (await tokens.UpdateAsync("bbb", null, 7000)).ShouldBe(new RegistrationTokenRecord("bbb", null, 0, 0, 7000));
        (await tokens.UpdateAsync("zzz", 1, null)).ShouldBeNull();
        (await tokens.DeleteAsync("aaa")).ShouldBeTrue();
        (await tokens.DeleteAsync("aaa")).ShouldBeFalse();
        (await tokens.GetAsync("aaa")).ShouldBeNull();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Reservations_count_against_uses_allowed_until_released(string engine) => WithStoreAsync(engine, async store =>
    {
        var tokens = store.RegistrationTokens;
        await tokens.CreateAsync("two", 2, null);

        (await tokens.TryReserveAsync("two", 0)).ShouldBeTrue();
        (await tokens.TryReserveAsync("two", 0)).ShouldBeTrue();
        (await tokens.TryReserveAsync("two", 0)).ShouldBeFalse();
        await tokens.CompleteAsync("two");
        await tokens.ReleaseAsync("two");

        (await tokens.GetAsync("two")).ShouldBe(new RegistrationTokenRecord("two", 2, 0, 1, null));
        (await tokens.TryReserveAsync("two", 0)).ShouldBeTrue();
        (await tokens.TryReserveAsync("unknown", 0)).ShouldBeFalse();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Clearing_pending_uses_frees_them_and_keeps_completed_ones(string engine) => WithStoreAsync(engine, async store =>
    {
        var tokens = store.RegistrationTokens;
        await tokens.CreateAsync("one", 2, null);
        (await tokens.TryReserveAsync("one", 0)).ShouldBeTrue();
        await tokens.CompleteAsync("one");
        (await tokens.TryReserveAsync("one", 0)).ShouldBeTrue();
        (await tokens.TryReserveAsync("one", 0)).ShouldBeFalse();

        await tokens.ClearPendingAsync();

        (await tokens.GetAsync("one")).ShouldBe(new RegistrationTokenRecord("one", 2, 0, 1, null));
        (await tokens.TryReserveAsync("one", 0)).ShouldBeTrue();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task An_expired_token_cannot_be_reserved(string engine) => WithStoreAsync(engine, async store =>
    {
        await store.RegistrationTokens.CreateAsync("late", null, 1000);

        (await store.RegistrationTokens.TryReserveAsync("late", 1000)).ShouldBeFalse();
        (await store.RegistrationTokens.TryReserveAsync("late", 999)).ShouldBeTrue();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task The_admin_flag_round_trips(string engine) => WithStoreAsync(engine, async store =>
    {
        var root = new UserRecord("@root:test", null, AccountKind.User, 1, Admin: true);
        await store.Accounts.CreateUserAsync(root);

        (await store.Accounts.GetUserAsync("@root:test")).ShouldBe(root);
    });
}
