using System.Collections.Concurrent;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Read-only connections for readers. In WAL mode readers see the last committed state and neither block nor
/// are blocked by the writer. Connections are opened on demand up to the configured count and kept open, so
/// their prepared commands stay warm.
/// </summary>
internal sealed class SqliteReadPool(string path, SqliteStoreOptions options) : IDisposable
{
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private readonly SemaphoreSlim _slots = new(options.ReadConnections, options.ReadConnections);

    /// <summary>
    /// Runs <paramref name="read"/> in one read transaction, so all its queries see the same snapshot. BEGIN and
    /// COMMIT are cached statements like the rest, so the snapshot costs two short steps, not two parses.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<SqliteSession, T> read, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteSession? session = null;
        try
        {
            session = _idle.TryTake(out var idle) ? idle : SqliteSession.Open(path, readOnly: true, options);
            session.Command("BEGIN").ExecuteNonQuery();
            try
            {
                return read(session);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                throw new StorageException(e.Message, e);
            }
            finally
            {
                session.Command("COMMIT").ExecuteNonQuery();
            }
        }
        finally
        {
            if (session is not null)
            {
                _idle.Add(session);
            }

            _slots.Release();
        }
    }

    /// <summary>
    /// Empties the page cache of every open reader. It takes every slot first, so no read is running and none opens
    /// a connection meanwhile (reads that arrive wait the few microseconds this takes).
    /// </summary>
    public async Task ReleaseMemoryAsync(CancellationToken cancellationToken)
    {
        var held = 0;
        try
        {
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
    }
}
