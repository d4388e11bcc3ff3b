using Microsoft.Data.Sqlite;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// One open connection with its prepared commands. A command is prepared by SQLite on first use and kept
/// with its statement, so hot queries are parsed and planned once per connection, not once per call.
/// Not thread-safe: a session is used by one caller at a time (the writer loop, or a reader that rented it).
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    private SqliteSession(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    public static SqliteSession Open(string path, bool readOnly, SqliteStoreOptions options)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            // The store keeps its own connections open; a second pool underneath would only hide file handles.
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            var session = new SqliteSession(connection);
            session.Execute($"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
            if (!readOnly)
            {
                // WAL: readers never block the writer and the writer never blocks readers.
                session.Execute("PRAGMA journal_mode = WAL");
                session.Execute(options.Durability == SqliteDurability.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
                session.Execute("PRAGMA foreign_keys = ON");
                // Measured with bench/Ranvier.LoadBench (docs/benchmarks.md): a 16 MB page cache for the one writer keeps
                // group commits from re-reading the same hot index pages. Checkpoints run beside the writer
                // (SqliteCheckpointer): a checkpoint inside a commit, and the WAL starting over from its beginning, made
                // the commits around them wait 20-70 ms. The checkpointer lets the WAL start over past 32,768 pages; the
                // automatic checkpoint stays as a safety net for a WAL that reaches 100,000 pages (about 400 MB), should
                // that fail (a reader that holds an old snapshot for long).
                session.Execute("PRAGMA wal_autocheckpoint = 100000");
                session.Execute("PRAGMA cache_size = -16384");
                // Every write item runs in a savepoint (SqliteWriteQueue), so each page an item changes is first copied to
                // the sub-journal. In a temporary file (SQLite's default past 64 KB), that was more write calls than the
                // WAL itself got; in memory the copy is dropped when the item is released (docs/benchmarks.md).
                session.Execute("PRAGMA temp_store = MEMORY");
            }
            else
            {
                // Up to 12 readers each kept SQLite's default 2 MB page cache: 25 MB of native memory after the load
                // bench, 19 MB with 1 MB each, initial sync as fast (docs/benchmarks.md). The pages come from the
                // operating system's cache when a reader needs them again.
                session.Execute("PRAGMA cache_size = -1024");
            }

            return session;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The cached command for <paramref name="sql"/>, its parameters unset: the parameter objects stay with the command
    /// and <see cref="SqliteCommandExtensions.With"/> gives them this use's values, so a statement run again and again
    /// allocates no new ones. One left unset makes the statement fail, as a missing one would.
    /// </summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        var parameters = command.Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            parameters[i].Value = null;
        }

        return command;
    }

    /// <summary>Runs a statement that is not worth caching (pragmas, transaction control, migrations).</summary>
    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Bytes of page cache this connection holds now (SQLite's SQLITE_DBSTATUS_CACHE_USED).</summary>
    public long CacheBytes
    {
        get
        {
            var status = SQLitePCL.raw.sqlite3_db_status(Connection.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_USED, out var current, out _, 0);
            return status == SQLitePCL.raw.SQLITE_OK ? current : 0;
        }
    }

    /// <summary>Frees the page cache pages no statement is using (they are read again from the file when needed).</summary>
    public void ReleaseMemory() => Execute("PRAGMA shrink_memory");

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}

/// <summary>Small helpers that keep the stores' SQL code short.</summary>
internal static class SqliteCommandExtensions
{
    /// <summary>Sets parameter <paramref name="name"/> (null for SQL NULL), reusing the command's parameter object of that name.</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index >= 0)
        {
            parameters[index].Value = value ?? DBNull.Value;
        }
        else
        {
            parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static long ScalarInt64(this SqliteCommand command) =>
        command.ExecuteScalar() is long value ? value : throw new StorageException($"Expected an integer from: {command.CommandText}");

    public static long? ScalarInt64OrNull(this SqliteCommand command) => command.ExecuteScalar() as long?;

    public static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetInt64OrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static byte[]? GetBytesOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : (byte[])reader.GetValue(ordinal);
}
