namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// One writer per room (docs/ARCHITECTURE.md, "Per-room serialization"): an async lock per room ID, created on
/// first use and dropped when nobody holds or waits for it, so rooms never race on their DAG and current state
/// while different rooms proceed in parallel.
/// </summary>
public sealed class RoomLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Waits for the room's lock; dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(roomId, out entry!))
            {
                entry = new Entry();
                _entries.Add(roomId, entry);
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(roomId, entry, held: false);
            throw;
        }

        return new Holder(this, roomId, entry);
    }

    /// <summary>How many rooms have a lock in use (for tests and metrics).</summary>
    public int ActiveCount
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    private void Release(string roomId, Entry entry, bool held)
    {
        if (held)
        {
            entry.Semaphore.Release();
        }

        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(roomId);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Holder(RoomLocks owner, string roomId, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(roomId, entry, held: true);
            }
        }
    }
}
