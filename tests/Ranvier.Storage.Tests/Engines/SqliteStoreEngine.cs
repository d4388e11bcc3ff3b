using Microsoft.Data.Sqlite;
using Ranvier.Storage.Sqlite;

namespace Ranvier.Storage.Tests.Engines;

/// <summary>SQLite in a temporary directory, deleted on dispose.</summary>
public sealed class SqliteStoreEngine : StoreEngine
{
    private readonly TempDirectory _directory = new();

    public string DatabasePath => Path.Combine(_directory.Path, "ranvier.db");

    public override int LatestSchemaVersion => SqliteStore.LatestSchemaVersion;

    public SqliteStoreOptions Options => new(DatabasePath) { MaxStateChainLength = TestMaxStateChainLength };

    public override async Task<IRanvierStore> OpenAsync() => await SqliteStore.OpenAsync(Options);

    public Task<SqliteStore> OpenSqliteAsync() => SqliteStore.OpenAsync(Options);

    public override Task<int> GetSchemaVersionAsync()
    {
        using var connection = OpenRaw();
        return Task.FromResult((int)connection.ScalarInt64("PRAGMA user_version"));
    }

    public override Task SetSchemaVersionAsync(int version)
    {
        using var connection = OpenRaw();
        connection.Scalar($"PRAGMA user_version = {version}");
        return Task.CompletedTask;
    }

    /// <summary>A plain connection to the database file, outside the store, for checks the store does not offer.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public override ValueTask DisposeAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
