namespace Ranvier.Storage.Tests.Engines;

/// <summary>
/// One storage engine under test, owning its temporary database. Every store test runs against every engine
/// listed in <see cref="StoreEngines.All"/>; an engine only has to say how to open a fresh store and how to fake a
/// newer schema.
/// </summary>
public abstract class StoreEngine : IAsyncDisposable
{
    /// <summary>State chains are kept short in tests so a handful of events exercises snapshot rollover.</summary>
    public const int TestMaxStateChainLength = 3;

    /// <summary>Opens the engine's database (created empty on first open, reopened after).</summary>
    public abstract Task<IRanvierStore> OpenAsync();

    public abstract int LatestSchemaVersion { get; }

    /// <summary>The schema version recorded in the (closed) database.</summary>
    public abstract Task<int> GetSchemaVersionAsync();

    /// <summary>Overwrites the recorded schema version of the (closed) database, as a newer Ranvier would have left it.</summary>
    public abstract Task SetSchemaVersionAsync(int version);

    public abstract ValueTask DisposeAsync();
}

/// <summary>The engines every store test runs on. Adding PostgreSQL is one line here.</summary>
public static class StoreEngines
{
    private static readonly Dictionary<string, Func<StoreEngine>> Factories = new()
    {
        ["sqlite"] = static () => new SqliteStoreEngine(),
    };

    public static TheoryData<string> All => [.. Factories.Keys];

    public static StoreEngine Create(string name) => Factories[name]();
}
