using System.Threading.Channels;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// The single writer. Callers enqueue work; one loop owns the write connection, drains whatever is queued
/// (up to <see cref="SqliteStoreOptions.MaxBatchSize"/>), runs it in ONE transaction with each item inside its
/// own SAVEPOINT, commits once and only then completes the callers' tasks (group commit). Under load one
/// commit — the expensive part, a WAL append and possibly an fsync — is shared by many writes; a failing item
/// rolls back to its savepoint and fails alone.
/// </summary>
internal sealed class SqliteWriteQueue : IAsyncDisposable
{
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteSession _session;
    private readonly int _maxBatchSize;
    private readonly Task _loop;
    private long _commits;

    private readonly Action? _afterCommit;
    private readonly Action<SqliteSession>? _beforeTransaction;

    /// <summary>Starts the writer loop on <paramref name="session"/>.</summary>
    /// <param name="session">The write connection, owned by the queue's loop from now on.</param>
    /// <param name="maxBatchSize">The most work items one transaction holds.</param>
    /// <param name="afterCommit">Called on the writer after each commit (it must be quick and not throw).</param>
    /// <param name="beforeTransaction">Called on the writer, with its connection, before each transaction begins (it must not throw).</param>
    public SqliteWriteQueue(SqliteSession session, int maxBatchSize, Action? afterCommit = null, Action<SqliteSession>? beforeTransaction = null)
    {
        _session = session;
        _maxBatchSize = maxBatchSize;
        _afterCommit = afterCommit;
        _beforeTransaction = beforeTransaction;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How many write transactions have committed; group commit makes this smaller than the number of writes.</summary>
    public long CommittedTransactions => Interlocked.Read(ref _commits);

    /// <summary>
    /// Runs <paramref name="work"/> on the write connection inside a transaction. The returned task completes
    /// after the transaction holding the work has committed, so a completed task means the write is durable
    /// as configured. <paramref name="work"/> must not keep state outside the database that a rollback would not undo.
    /// </summary>
    public Task<T> ExecuteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken = default) =>
        ExecuteAsync(work, committed: null, cancellationToken);

    /// <summary>
    /// Like <see cref="ExecuteAsync{T}(Func{SqliteSession, T}, CancellationToken)"/>, and once the work's transaction has
    /// committed, <paramref name="committed"/> runs on the writer with its result: in commit order (the order in which
    /// the work ran), and for every item of a batch before any caller of that batch resumes. It is how in-memory views
    /// of committed data (<see cref="SqliteRecentEvents"/>) follow the database exactly. It must not throw.
    /// </summary>
    public Task<T> ExecuteAsync<T>(Func<SqliteSession, T> work, Action<T>? committed, CancellationToken cancellationToken = default)
    {
        var item = new WorkItem<T>(work, committed, cancellationToken);
        if (!_queue.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(SqliteWriteQueue), "The store is closed.");
        }

        return item.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<WorkItem>(_maxBatchSize);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatchSize && reader.TryRead(out var item))
            {
                if (!item.TryCancel())
                {
                    batch.Add(item);
                }
            }

            if (batch.Count > 0)
            {
                RunBatch(batch);
                batch.Clear();
            }
        }
    }

    private void RunBatch(List<WorkItem> batch)
    {
        _beforeTransaction?.Invoke(_session);
        try
        {
            _session.Command("BEGIN IMMEDIATE").ExecuteNonQuery();
        }
        catch (Exception e)
        {
            FailAll(batch, e);
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                _session.Command("SAVEPOINT item").ExecuteNonQuery();
                batch[i].Run(_session);
                _session.Command("RELEASE item").ExecuteNonQuery();
            }
            catch (Exception e)
            {
                batch[i].SetFailure(e);
                if (!TryRollBackItem())
                {
                    // SQLite rolled the whole transaction back itself (e.g. disk full): the earlier items are lost too.
                    var lost = new StorageException("The write transaction was aborted by the database.", e);
                    FailAll(batch, lost);
                    return;
                }
            }
        }

        try
        {
            _session.Command("COMMIT").ExecuteNonQuery();
            Interlocked.Increment(ref _commits);
            _afterCommit?.Invoke();
        }
        catch (Exception e)
        {
            FailAll(batch, new StorageException("The write transaction failed to commit.", e));
            return;
        }

        foreach (var item in batch)
        {
            item.Committed();
        }

        foreach (var item in batch)
        {
            item.Publish();
        }
    }

    private bool TryRollBackItem() => TryExecute("ROLLBACK TO item") && TryExecute("RELEASE item");

    private bool TryExecute(string sql)
    {
        try
        {
            _session.Command(sql).ExecuteNonQuery();
            return true;
        }
        catch (Exception)
        {
            // The connection is broken or the transaction is gone; the caller fails the batch.
            return false;
        }
    }

    /// <summary>Rolls the transaction back (if SQLite has not) and fails every item of the batch.</summary>
    private void FailAll(List<WorkItem> batch, Exception reason)
    {
        TryExecute("ROLLBACK");
        foreach (var item in batch)
        {
            item.SetFailure(item.Failure ?? reason);
            item.Publish();
        }
    }

    private abstract class WorkItem
    {
        public Exception? Failure { get; private set; }

        public abstract bool TryCancel();

        public abstract void Run(SqliteSession session);

        /// <summary>After the commit: the item's hook, when it succeeded and has one.</summary>
        public abstract void Committed();

        // Callers see the storage exception family, not the engine's own.
        public void SetFailure(Exception e) => Failure = e is Microsoft.Data.Sqlite.SqliteException ? new StorageException(e.Message, e) : e;

        public abstract void Publish();
    }

    private sealed class WorkItem<T>(Func<SqliteSession, T> work, Action<T>? committed, CancellationToken cancellationToken) : WorkItem
    {
        // Continuations run on the thread pool, never inline on the writer loop.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public override bool TryCancel() =>
            cancellationToken.IsCancellationRequested && _completion.TrySetCanceled(cancellationToken);

        public override void Run(SqliteSession session) => _result = work(session);

        public override void Committed()
        {
            if (Failure is null)
            {
                committed?.Invoke(_result!);
            }
        }

        public override void Publish()
        {
            if (Failure is null)
            {
                _completion.TrySetResult(_result!);
            }
            else
            {
                _completion.TrySetException(Failure);
            }
        }
    }
}
