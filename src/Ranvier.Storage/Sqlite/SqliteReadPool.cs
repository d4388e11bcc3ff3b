using System.Collections.Concurrent;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Read-only connections for readers. In WAL mode readers see the last committed state and neither block nor
/// are blocked by the writer. Connections are opened on demand up to the configured count and kept open, so
/// their prepared commands stay warm.
/// </summary>
/// <remarks>
/// A snapshot (<see cref="InSnapshotAsync{T}"/>) keeps one connection in one read transaction for a whole piece of
/// work, and every read of that work's async flow runs on it. Snapshots take their connection from slots of their
/// own, at the start, before the work holds anything: a snapshot that then waits for something (a lock held by a
/// plain read waiting for a connection) never holds the connection that plain read needs.
/// </remarks>
internal sealed class SqliteReadPool(string path, SqliteStoreOptions options) : IDisposable
{
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private readonly SemaphoreSlim _slots = new(options.ReadConnections, options.ReadConnections);
    private readonly SemaphoreSlim _snapshotSlots = new(SnapshotConnections(options), SnapshotConnections(options));
    private readonly AsyncLocal<Snapshot?> _snapshot = new();
    private readonly SemaphoreSlim _releasing = new(1, 1);

    /// <summary>Connections kept for snapshots: half the plain readers' (at least one).</summary>
    public static int SnapshotConnections(SqliteStoreOptions options) => Math.Max(1, options.ReadConnections / 2);

    /// <summary>
    /// Whether this async flow reads inside <see cref="InSnapshotAsync{T}"/>: then what it reads must not be newer
    /// than the snapshot, so answers kept in memory from later commits are not for it.
    /// </summary>
    public bool InSnapshot => _snapshot.Value is { IsOpen: true };

    /// <summary>
    /// Runs <paramref name="read"/> in one read transaction, so all its queries see the same snapshot. BEGIN and
    /// COMMIT are cached statements like the rest, so the snapshot costs two short steps, not two parses. Inside
    /// <see cref="InSnapshotAsync{T}"/> it runs on that snapshot's connection instead.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<SqliteSession, T> read, CancellationToken cancellationToken)
    {
        if (_snapshot.Value is { } snapshot && snapshot.TryRead(read, out var result))
        {
            return result;
        }

        return await ReadLatestAsync(read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Like <see cref="ReadAsync{T}"/>, but always in a transaction of its own, outside any snapshot: for reads that
    /// must see the latest commit, such as those that fill a cache guarded by a generation taken just before.
    /// </summary>
    public async Task<T> ReadLatestAsync<T>(Func<SqliteSession, T> read, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ReadInTransaction(read);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with every read of its async flow in one read transaction on one connection: one
    /// snapshot of the database for all of it, and no connection or transaction per read. Writes go to the writer as
    /// always, so the work does not see its own writes. Inside another snapshot the work joins it.
    /// </summary>
    public async Task<T> InSnapshotAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (_snapshot.Value is { IsOpen: true })
        {
            return await work().ConfigureAwait(false);
        }

        await _snapshotSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Snapshot? snapshot = null;
        try
        {
            snapshot = new Snapshot(Rent());
            _snapshot.Value = snapshot;
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _snapshot.Value = null;
            if (snapshot?.Close() is { } session)
            {
                _idle.Add(session);
            }

            _snapshotSlots.Release();
        }
    }

    private T ReadInTransaction<T>(Func<SqliteSession, T> read)
    {
        var session = Rent();
        try
        {
            session.Command("BEGIN").ExecuteNonQuery();
            try
            {
                return Run(session, read);
            }
            finally
            {
                session.Command("COMMIT").ExecuteNonQuery();
            }
        }
        finally
        {
            _idle.Add(session);
        }
    }

    private SqliteSession Rent() => _idle.TryTake(out var idle) ? idle : SqliteSession.Open(path, readOnly: true, options);

    private static T Run<T>(SqliteSession session, Func<SqliteSession, T> read)
    {
        try
        {
            return read(session);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new StorageException(e.Message, e);
        }
    }

    /// <summary>
    /// One connection in one read transaction (begun with the first read), shared by the reads of one async flow.
    /// Reads take turns; after <see cref="Close"/> (work that outlived the snapshot) they go to the pool.
    /// </summary>
    private sealed class Snapshot(SqliteSession session)
    {
        private readonly Lock _gate = new();
        private bool _begun;

        public bool IsOpen { get; private set; } = true;

        public bool TryRead<T>(Func<SqliteSession, T> read, out T result)
        {
            lock (_gate)
            {
                if (!IsOpen)
                {
                    result = default!;
                    return false;
                }

                if (!_begun)
                {
                    session.Command("BEGIN").ExecuteNonQuery();
                    _begun = true;
                }

                result = Run(session, read);
                return true;
            }
        }

        /// <summary>Ends the transaction; returns the connection to give back.</summary>
        public SqliteSession Close()
        {
            lock (_gate)
            {
                IsOpen = false;
                if (_begun)
                {
                    session.Command("COMMIT").ExecuteNonQuery();
                }

                return session;
            }
        }
    }

    /// <summary>
    /// Empties the page cache of every open reader. It takes every slot first, so no read is running and none opens a
    /// connection meanwhile (reads that arrive wait the few microseconds this takes). One release runs at a time (two
    /// that each held part of the slots would wait for each other for ever), and it takes the snapshots' slots before
    /// the plain readers': work in a snapshot may still need a plain slot (a read of the latest commit) before it ends,
    /// while a plain read never waits for anything but its own slot.
    /// </summary>
    public async Task ReleaseMemoryAsync(CancellationToken cancellationToken)
    {
        await _releasing.WaitAsync(cancellationToken).ConfigureAwait(false);
        var held = 0;
        var heldSnapshots = 0;
        try
        {
            for (; heldSnapshots < SnapshotConnections(options); heldSnapshots++)
            {
                await _snapshotSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            for (; held < options.ReadConnections; held++)
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var session in _idle)
            {
                session.ReleaseMemory();
            }
        }
        finally
        {
            if (held > 0)
            {
                _slots.Release(held);
            }

            if (heldSnapshots > 0)
            {
                _snapshotSlots.Release(heldSnapshots);
            }

            _releasing.Release();
        }
    }

    /// <summary>Bytes of page cache held by the readers that are not in use now.</summary>
    public long IdleCacheBytes => _idle.Sum(s => s.CacheBytes);

    public void Dispose()
    {
        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }

        _slots.Dispose();
        _snapshotSlots.Dispose();
        _releasing.Dispose();
    }
}
