namespace Ranvier.Storage.Tests.Engines;

/// <summary>Helpers for theories over <see cref="StoreEngines.All"/>: open a fresh store of the named engine, clean up after.</summary>
public abstract class StoreTestBase
{
    /// <summary>Runs <paramref name="test"/> on a fresh store of <paramref name="engineName"/>; disposes store and files after.</summary>
    protected static async Task WithStoreAsync(string engineName, Func<IRanvierStore, Task> test)
    {
        await using var engine = StoreEngines.Create(engineName);
        var store = await engine.OpenAsync();
        await using (store)
        {
            await test(store);
        }
    }
}
