using SQLitePCL;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on a connection of its own, beside the writer, so commits never wait
/// for it. SQLite's own automatic checkpoint runs inside the commit that crosses its threshold, and the WAL then starts
/// over from its beginning: the commits around both waited 20-70 ms (the send latency p99 of docs/benchmarks.md).
/// Here the writer only signals that it committed. While writes go on, one passive checkpoint runs per
/// <see cref="Interval"/> (it blocks neither the writer nor readers, and stops short of what a reader still needs), and
/// the WAL only grows; once writes pause for an interval, a truncating checkpoint empties it if no reader is using the
/// WAL at that moment (it never waits for one, so it never holds writes back). The writer keeps an
/// automatic checkpoint with a far higher threshold as a safety net for writes that never pause.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>The least time between two checkpoints while writes go on.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly SqliteSession _session;
    private readonly SemaphoreSlim _written = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private long _checkpoints;

    public SqliteCheckpointer(string path, SqliteStoreOptions options)
    {
        _session = SqliteSession.Open(path, readOnly: false, options);
        // Never wait: a truncating checkpoint that meets a reader (or the writer) gives up at once and is tried again at
        // the next pause, instead of holding new writes back until that reader ends.
        _session.Execute("PRAGMA busy_timeout = 0");
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Checkpoints run so far (by the loop or by <see cref="CheckpointNow"/>).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Called by the writer after each commit: a checkpoint will follow.</summary>
    public void Written()
    {
        if (_written.CurrentCount == 0)
        {
            try
            {
                _written.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit signalled first: one checkpoint covers both.
            }
        }
    }

    /// <summary>
    /// Runs one checkpoint now: passive, or truncating (it waits for the writer and the readers of the WAL, then leaves
    /// the WAL empty). Returns the frames in the WAL and how many of them are in the database, or null when SQLite
    /// could not finish it (busy), which the next one makes up for.
    /// </summary>
    public (int LogFrames, int CheckpointedFrames)? CheckpointNow(bool truncate = false)
    {
        lock (_gate)
        {
            var mode = truncate ? raw.SQLITE_CHECKPOINT_TRUNCATE : raw.SQLITE_CHECKPOINT_PASSIVE;
            var rc = raw.sqlite3_wal_checkpoint_v2(_session.Connection.Handle, null, mode, out var log, out var done);
            Interlocked.Increment(ref _checkpoints);
            return rc == raw.SQLITE_OK ? (log, done) : null;
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                await _written.WaitAsync(_stop.Token).ConfigureAwait(false);
                CheckpointNow();
                await Task.Delay(Interval, _stop.Token).ConfigureAwait(false);
                if (_written.CurrentCount == 0)
                {
                    // Nothing was written for a whole interval: a good moment to empty the WAL.
                    CheckpointNow(truncate: true);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closing.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        lock (_gate)
        {
            _session.Dispose();
        }

        _written.Dispose();
        _stop.Dispose();
    }
}
