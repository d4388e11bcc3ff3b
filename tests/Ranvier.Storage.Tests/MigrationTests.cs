using Ranvier.Storage.Accounts;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests;

public sealed class MigrationTests
{
    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public async Task An_empty_database_is_migrated_to_the_latest_version(string engineName)
    {
        await using var engine = StoreEngines.Create(engineName);
        await (await engine.OpenAsync()).DisposeAsync();

        (await engine.GetSchemaVersionAsync()).ShouldBe(engine.LatestSchemaVersion);
        engine.LatestSchemaVersion.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public async Task Reopening_a_current_database_keeps_its_data(string engineName)
    {
        await using var engine = StoreEngines.Create(engineName);
        await using (var store = await engine.OpenAsync())
        {
            await store.Accounts.CreateUserAsync(new UserRecord("@alice:test", null, AccountKind.User, 1));
        }

        await using (var reopened = await engine.OpenAsync())
        {
            (await reopened.Accounts.GetUserAsync("@alice:test")).ShouldNotBeNull();
        }

        (await engine.GetSchemaVersionAsync()).ShouldBe(engine.LatestSchemaVersion);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public async Task A_database_from_a_newer_Ranvier_is_refused(string engineName)
    {
        await using var engine = StoreEngines.Create(engineName);
        await (await engine.OpenAsync()).DisposeAsync();
        var newer = engine.LatestSchemaVersion + 1;
        await engine.SetSchemaVersionAsync(newer);

        var refusal = await Should.ThrowAsync<SchemaVersionException>(engine.OpenAsync);

        refusal.DatabaseVersion.ShouldBe(newer);
        refusal.SupportedVersion.ShouldBe(engine.LatestSchemaVersion);
        refusal.Message.ShouldContain($"schema version {newer}");
        refusal.Message.ShouldContain($"up to {engine.LatestSchemaVersion}");
        (await engine.GetSchemaVersionAsync()).ShouldBe(newer);
    }
}
