using System.Diagnostics.CodeAnalysis;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// The latest stream events of the rooms written to lately, kept in memory so that a sync woken by a new event reads
/// its timeline without a query. The writer adds each event once its transaction has committed, in stream order
/// (<see cref="SqliteWriteQueue.ExecuteAsync{T}(Func{SqliteSession, T}, Action{T}?, CancellationToken)"/>), so a
/// room's tail holds every event of the room after <see cref="Tail.CoveredAfter"/> that this store has written; a
/// window that reaches further back is answered from the database. Stored events never change, so what is kept is
/// never stale. This relies on this store being the only writer of its database file, as the single writer is.
/// Each kept event also knows whether a redaction or relation of it may be stored (<see cref="MayBeAnnotated"/>):
/// none was when it was written, and the writer marks it when one comes, so serving a new event to its readers
/// needs no query for its redactions and bundled aggregations.
/// </summary>
internal sealed class SqliteRecentEvents(int eventsPerRoom, int rooms)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tail> _tails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _byEventId = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a committed event that has a stream position (the writer calls it in stream order); <paramref name="annotated"/>
    /// when a redaction or relation of it was already stored.
    /// </summary>
    public void Committed(StoredEvent stored, bool annotated)
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

            if (tail.Events.Count > 0 && tail.Events[^1].Event.StreamPosition >= position)
            {
                // Out of order (never expected from the single writer): start over from this event.
                Forget(tail);
                tail.CoveredAfter = position - 1;
            }

            var entry = new Entry(stored) { Annotated = annotated };
            tail.Events.Add(entry);
            _byEventId[stored.EventId] = entry;
            if (tail.Events.Count > eventsPerRoom)
            {
                tail.CoveredAfter = tail.Events[0].Event.StreamPosition!.Value;
                _byEventId.Remove(tail.Events[0].Event.EventId);
                tail.Events.RemoveAt(0);
            }
        }
    }

    /// <summary>A committed event redacts or relates to these events: they may have redactions or aggregations now.</summary>
    public void Annotated(Annotations annotations)
    {
        if (annotations.Redacts is null && annotations.RelatesTo is null)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var target in (ReadOnlySpan<string?>)[annotations.Redacts, annotations.RelatesTo])
            {
                if (target is not null && _byEventId.TryGetValue(target, out var entry))
                {
                    entry.Annotated = true;
                }
            }
        }
    }

    /// <summary>
    /// The events of <paramref name="eventIds"/> that may have a stored redaction or relation: all but those kept here
    /// and never annotated. Exact for every event up to a position announced after the commits it covers.
    /// </summary>
    public IReadOnlyList<string> MayBeAnnotated(IReadOnlyList<string> eventIds)
    {
        List<string>? result = null;
        lock (_gate)
        {
            for (var i = 0; i < eventIds.Count; i++)
            {
                var known = _byEventId.TryGetValue(eventIds[i], out var entry) && !entry.Annotated;
                if (known && result is null)
                {
                    result = new List<string>(eventIds.Count);
                    for (var j = 0; j < i; j++)
                    {
                        result.Add(eventIds[j]);
                    }
                }
                else if (!known)
                {
                    result?.Add(eventIds[i]);
                }
            }
        }

        return result ?? eventIds;
    }

    /// <summary>
    /// The event <paramref name="eventId"/> when it is kept here (a latest event of a room written to lately): the
    /// same row the database holds, since stored events never change. Sending builds on a room's latest events, so
    /// their lookup by ID needs no query.
    /// </summary>
    public bool TryGet(string eventId, [NotNullWhen(true)] out StoredEvent? stored)
    {
        lock (_gate)
        {
            stored = _byEventId.TryGetValue(eventId, out var entry) ? entry.Event : null;
            return stored is not null;
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
                var position = tail.Events[i].Event.StreamPosition!.Value;
                if (position <= after)
                {
                    break;
                }

                if (position <= upto)
                {
                    latest.Add(tail.Events[i].Event);
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
            _byEventId.Clear();
        }
    }

    /// <summary>The room whose latest event is the oldest makes room for a new one.</summary>
    private void EvictStalest()
    {
        string? stalest = null;
        var oldest = long.MaxValue;
        foreach (var (roomId, tail) in _tails)
        {
            var last = tail.Events.Count > 0 ? tail.Events[^1].Event.StreamPosition!.Value : tail.CoveredAfter;
            if (last < oldest)
            {
                oldest = last;
                stalest = roomId;
            }
        }

        if (stalest is not null && _tails.Remove(stalest, out var evicted))
        {
            Forget(evicted);
        }
    }

    private void Forget(Tail tail)
    {
        foreach (var entry in tail.Events)
        {
            _byEventId.Remove(entry.Event.EventId);
        }

        tail.Events.Clear();
    }

    private sealed class Tail(long coveredAfter)
    {
        /// <summary>Every event of the room with a higher position is in <see cref="Events"/>.</summary>
        public long CoveredAfter { get; set; } = coveredAfter;

        /// <summary>Oldest first.</summary>
        public List<Entry> Events { get; } = [];
    }

    /// <summary>A kept event; <see cref="Annotated"/> once a redaction or relation of it may be stored (changed under the lock).</summary>
    private sealed class Entry(StoredEvent stored)
    {
        public StoredEvent Event { get; } = stored;

        public bool Annotated { get; set; }
    }
}

/// <summary>The event a committed event redacts and the one it relates to (either may be null).</summary>
internal readonly record struct Annotations(string? Redacts, string? RelatesTo);
