using SQLitePCL;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on a connection of its own, beside the writer, so commits never wait
/// for it. SQLite's own automatic checkpoint runs inside the commit that crosses its threshold, and the WAL then starts
/// over from its beginning: the commits around both waited 20-70 ms (the send latency p99 of docs/benchmarks.md).
/// Here the writer only signals that it committed. While writes go on, one passive checkpoint runs per
/// <see cref="Interval"/> (it blocks neither the writer nor readers, and stops short of what a reader still needs);
/// once writes pause for an interval, a truncating checkpoint empties the WAL if no reader is using it at that moment
/// (it never waits for one, so it never holds writes back).
/// <para>
/// Under writes that never pause the WAL can only start over when the writer begins a transaction with every frame
/// already copied, which a checkpoint beside a busy writer never achieves (new commits land while it copies). So past
/// <see cref="SqliteStoreOptions.WalResetFrames"/> the checkpointer runs passes back to back until one had at most
/// <see cref="ResetBacklog"/> frames to copy, flushes the database file to disk (<see cref="SqliteFileFlusher"/>) and
/// catches up again, then asks the writer to copy what came since itself before its next transaction
/// (<see cref="BeforeWrite"/>): a short pass with few pages to sync, after which that transaction writes the WAL from
/// its start.
/// The writer keeps SQLite's automatic checkpoint with a far higher threshold as a safety net.
/// </para>
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>The least time between two checkpoints while writes go on.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The default of <see cref="SqliteStoreOptions.WalResetFrames"/>: 32,768 pages, 128 MB. Each start-over holds the
    /// writer for a few milliseconds; at the load bench's 30,000 frames a second this is about once a second.
    /// </summary>
    public const int DefaultResetFrames = 32_768;

    /// <summary>
    /// The writer is asked for its pass once a pass of the checkpointer had at most this many frames to copy (1 MB): the
    /// writer's pass then copies what came during that short pass, a few milliseconds' worth.
    /// </summary>
    public const int ResetBacklog = 256;

    /// <summary>Passes run back to back at most, catching up on a writer that keeps adding frames.</summary>
    private const int MaxCatchUpPasses = 12;

    private readonly SqliteSession _session;
    private readonly SqliteFileFlusher _flusher;
    private readonly int _resetFrames;
    private readonly SemaphoreSlim _written = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private long _checkpoints;
    private long _resets;
    private volatile bool _resetWanted;

    public SqliteCheckpointer(string path, SqliteStoreOptions options, SqliteFileFlusher flusher)
    {
        _flusher = flusher;
        _session = SqliteSession.Open(path, readOnly: false, options);
        _resetFrames = options.WalResetFrames;
        // Never wait: a truncating checkpoint that meets a reader (or the writer) gives up at once and is tried again at
        // the next pause, instead of holding new writes back until that reader ends.
        _session.Execute("PRAGMA busy_timeout = 0");
        _loop = options.CheckpointInBackground ? Task.Run(RunAsync) : Task.CompletedTask;
    }

    /// <summary>Checkpoints run so far (by the loop or by <see cref="CheckpointNow"/>).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>The writer's own passes that let the WAL start over (see <see cref="BeforeWrite"/>).</summary>
    public long Resets => Interlocked.Read(ref _resets);

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
    /// Called by the writer before each transaction, with its connection: when the checkpointer has caught up with a
    /// large WAL, copies the few frames left. With every frame copied (and no reader still on an older snapshot), the
    /// transaction that follows writes the WAL from its beginning. A pass that cannot finish is tried again later.
    /// </summary>
    public void BeforeWrite(SqliteSession writer)
    {
        if (!_resetWanted)
        {
            return;
        }

        _resetWanted = false;
        raw.sqlite3_wal_checkpoint_v2(writer.Connection.Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
        Interlocked.Increment(ref _checkpoints);
        Interlocked.Increment(ref _resets);
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
                if (!_resetWanted)
                {
                    CheckpointAndCatchUp();
                }

                await Task.Delay(Interval, _stop.Token).ConfigureAwait(false);
                if (_written.CurrentCount == 0)
                {
                    // Nothing was written for a whole interval: a good moment to empty the WAL. The truncating checkpoint
                    // holds writes back until it has synced the database file, so that is flushed here first.
                    _flusher.FlushToDisk();
                    CheckpointNow(truncate: true);
                    _resetWanted = false;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closing.
        }
    }

    /// <summary>
    /// A passive checkpoint; past the reset size, more until one had few frames to copy. Each pass copies what the
    /// writer added during the one before, so passes shorten while copying outpaces writing. The first time they are
    /// short, the database file is flushed to disk, and the passes catch up again on what came meanwhile; after the
    /// next short one the writer's own pass has few frames to copy and few pages to sync.
    /// </summary>
    internal void CheckpointAndCatchUp()
    {
        var flushed = false;
        var result = CheckpointNow();
        for (var pass = 1; result is { } r && r.LogFrames >= _resetFrames; pass++)
        {
            if (pass == MaxCatchUpPasses || _stop.IsCancellationRequested)
            {
                return;
            }

            result = CheckpointNow();
            if (result is { } next && next.LogFrames - r.CheckpointedFrames <= ResetBacklog && next.CheckpointedFrames == next.LogFrames)
            {
                if (!flushed)
                {
                    // SQLite syncs the file only after a pass that found nothing new at its end, which beside a busy
                    // writer is the writer's own: it would wait for every page copied since the last sync.
                    flushed = _flusher.FlushToDisk();
                    if (flushed)
                    {
                        continue;
                    }
                }

                _resetWanted = true;
                return;
            }
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
