namespace Ranvier.Storage.Rooms;

/// <summary>
/// A point in a room's topological order (spec: client-server API, "Syncing" / "Pagination": events are ordered
/// by their place in the DAG), which is (depth, event_nid) here. A position names the gap just after the event at
/// (<paramref name="Depth"/>, <paramref name="EventNid"/>): paginating backwards from it starts with that event,
/// forwards from it starts with the next one. So a page's end can always be the next page's start, with neither
/// gaps nor duplicates. <see cref="Start"/> is the gap before every event (depths are never negative, nids start at 1).
/// </summary>
public readonly record struct TopologicalPosition(long Depth, long EventNid) : IComparable<TopologicalPosition>
{
    public static TopologicalPosition Start { get; } = new(0, 0);

    /// <summary>The position of <paramref name="stored"/> itself (relations and threads name events by it): the same pair as <see cref="After"/>.</summary>
    public static TopologicalPosition Of(StoredEvent stored) => After(stored);

    /// <summary>The gap just after <paramref name="stored"/>.</summary>
    public static TopologicalPosition After(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(stored.Depth, stored.EventNid);
    }

    /// <summary>The gap just before <paramref name="stored"/>: after (depth, nid - 1), since nids are integers.</summary>
    public static TopologicalPosition Before(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(stored.Depth, stored.EventNid - 1);
    }

    public int CompareTo(TopologicalPosition other)
    {
        var byDepth = Depth.CompareTo(other.Depth);
        return byDepth != 0 ? byDepth : EventNid.CompareTo(other.EventNid);
    }

    public static bool operator <(TopologicalPosition left, TopologicalPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(TopologicalPosition left, TopologicalPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(TopologicalPosition left, TopologicalPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(TopologicalPosition left, TopologicalPosition right) => left.CompareTo(right) >= 0;
}

/// <summary>Which way a room's timeline is read (spec: GET /rooms/{roomId}/messages, <c>dir</c>).</summary>
public enum PaginationDirection
{
    /// <summary>Towards older events (<c>dir=b</c>), newest first.</summary>
    Backwards,

    /// <summary>Towards newer events (<c>dir=f</c>), oldest first.</summary>
    Forwards,
}
