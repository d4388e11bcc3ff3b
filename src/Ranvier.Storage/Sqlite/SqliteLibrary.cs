using SQLitePCL;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Process-wide SQLite settings, applied once before the store opens its first connection (SQLite only accepts them
/// before it initializes; if something else in the process opened a connection first, they are refused and the
/// defaults stay, which are slower but equally correct).
/// </summary>
/// <remarks>
/// Measured with the delivery phase of bench/Ranvier.LoadBench (docs/benchmarks.md): with SQLite's defaults every
/// allocation it makes takes one process-wide mutex to keep memory statistics, and every call takes its connection's
/// mutex; 200 woken syncs reading on 8 connections at once queued on them. Without both, server CPU per woken sync went
/// from about 490 to about 300 µs.
/// </remarks>
internal static class SqliteLibrary
{
    private static readonly Lazy<bool> Configured = new(Configure, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureConfigured() => _ = Configured.Value;

    private static bool Configure()
    {
        Batteries_V2.Init();
        // Multi-thread mode: no mutex per connection. Safe here because a connection is only ever used by one caller at
        // a time (the writer loop, or the reader that rented it from SqliteReadPool).
        var threading = raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD);
        // No memory statistics: they cost a global mutex per malloc. sqlite3_db_status (SqliteSession.CacheBytes) is
        // kept per connection and does not need them.
        var statistics = raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
        return threading == raw.SQLITE_OK && statistics == raw.SQLITE_OK;
    }
}
