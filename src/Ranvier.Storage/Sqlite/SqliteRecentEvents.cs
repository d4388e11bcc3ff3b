using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// The latest stream events of the rooms written to lately, kept in memory so that a sync woken by a new event reads
/// its timeline without a query. The writer adds each event once its transaction has committed, in stream order
/// (<see cref="SqliteWriteQueue.ExecuteAsync{T}(Func{SqliteSession, T}, Action{T}?, CancellationToken)"/>), so a
/// room's tail holds every event of the room after <see cref="Tail.CoveredAfter"/> that this store has written; a
/// window that reaches further back is answered from the database. Stored events never change, so what is kept is
/// never stale. This relies on this store being the only writer of its database file, as the single writer is.
/// </summary>
internal sealed class SqliteRecentEvents(int eventsPerRoom, int rooms)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tail> _tails = new(StringComparer.Ordinal);

    /// <summary>Adds a committed event that has a stream position (the writer calls it in stream order).</summary>
    public void Committed(StoredEvent stored)
    {
        if (stored.StreamPosition is not { } position)
        {
            return;
        }

        lock (_gate)
        {
            if (!_tails.TryGetValue(stored.RoomId, out var tail))
            {
                if (_tails.Count >= rooms)
                {
                    EvictStalest();
                }

                // Every event of the room written before this one has a lower position: the tail covers what follows.
                tail = new Tail(position - 1);
                _tails.Add(stored.RoomId, tail);
            }

            if (tail.Events.Count > 0 && tail.Events[^1].StreamPosition >= position)
            {
                // Out of order (never expected from the single writer): start over from this event.
                tail.Events.Clear();
                tail.CoveredAfter = position - 1;
            }

            tail.Events.Add(stored);
            if (tail.Events.Count > eventsPerRoom)
            {
                tail.CoveredAfter = tail.Events[0].StreamPosition!.Value;
                tail.Events.RemoveAt(0);
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events of the room in (<paramref name="after"/>, <paramref name="upto"/>], newest
    /// first, when the tail can tell them all (the window starts inside it, or the tail alone fills the page); false
    /// when the database must be asked. <paramref name="upto"/> must not lie beyond what has committed.
    /// </summary>
    public bool TryGetLatest(string roomId, long after, long upto, int limit, out IReadOnlyList<StoredEvent> events)
    {
        lock (_gate)
        {
            events = [];
            if (!_tails.TryGetValue(roomId, out var tail))
            {
                return false;
            }

            var latest = new List<StoredEvent>(Math.Min(limit, tail.Events.Count));
            for (var i = tail.Events.Count - 1; i >= 0 && latest.Count < limit; i--)
            {
                var position = tail.Events[i].StreamPosition!.Value;
                if (position <= after)
                {
                    break;
                }

                if (position <= upto)
                {
                    latest.Add(tail.Events[i]);
                }
            }

            if (latest.Count < limit && after < tail.CoveredAfter)
            {
                return false;
            }

            events = latest;
            return true;
        }
    }

    /// <summary>Forgets everything (to give memory back); tails start again with the next events written.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _tails.Clear();
        }
    }

    /// <summary>The room whose latest event is the oldest makes room for a new one.</summary>
    private void EvictStalest()
    {
        string? stalest = null;
        var oldest = long.MaxValue;
        foreach (var (roomId, tail) in _tails)
        {
            var last = tail.Events.Count > 0 ? tail.Events[^1].StreamPosition!.Value : tail.CoveredAfter;
            if (last < oldest)
            {
                oldest = last;
                stalest = roomId;
            }
        }

        if (stalest is not null)
        {
            _tails.Remove(stalest);
        }
    }

    private sealed class Tail(long coveredAfter)
    {
        /// <summary>Every event of the room with a higher position is in <see cref="Events"/>.</summary>
        public long CoveredAfter { get; set; } = coveredAfter;

        /// <summary>Oldest first.</summary>
        public List<StoredEvent> Events { get; } = [];
    }
}
