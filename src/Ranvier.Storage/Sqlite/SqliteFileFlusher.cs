namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Flushes the database file to disk from beside the writer (<see cref="SqliteCheckpointer"/>). SQLite syncs the file only
/// at the end of a checkpoint that copied the whole WAL, which under steady writes is the writer's own reset pass: it
/// then waited for every page the background passes had copied since the last sync (20-45 ms, the send latency's
/// stalls in docs/benchmarks.md). Syncing first from here leaves that pass only its own few pages.
/// <para>
/// The handle stays open until every SQLite connection of the store is closed: closing any descriptor of a file drops
/// the process's POSIX locks on it, SQLite's included.
/// </para>
/// </summary>
internal sealed class SqliteFileFlusher : IDisposable
{
    private readonly FileStream _file;

    public SqliteFileFlusher(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        _file = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
    }

    /// <summary>How many times the file was flushed (for tests).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    private long _flushes;

    /// <summary>Writes the file's pages that the system still holds in memory to disk (fsync); false if that failed.</summary>
    public bool FlushToDisk()
    {
        try
        {
            _file.Flush(flushToDisk: true);
            Interlocked.Increment(ref _flushes);
            return true;
        }
        catch (IOException)
        {
            // SQLite syncs the file itself at the end of the checkpoint, and reports a failure there.
            return false;
        }
    }

    public void Dispose() => _file.Dispose();
}
