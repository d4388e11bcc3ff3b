namespace Ranvier.Storage.Rooms;

/// <summary>Reading a room's timeline in topological order (/messages, /context, timestamp_to_event, history visibility).</summary>
public partial interface IRoomEventStore
{
    /// <summary>
    /// Up to <paramref name="limit"/> accepted events of a room in topological order, starting at the gap
    /// <paramref name="from"/>: backwards (newest first) the events at or before it, forwards (oldest first) those
    /// after it. <paramref name="to"/>, when given, is a gap the page does not cross.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> GetTimelineAsync(
        string roomId, TopologicalPosition from, TopologicalPosition? to, PaginationDirection direction, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The gap after the last event of a room at or before a stream position (<see cref="TopologicalPosition.Start"/>
    /// when there is none). Stream and topological order agree for local events; across forks this is the closest
    /// topological point.
    /// </summary>
    Task<TopologicalPosition> GetTopologicalPositionAtStreamAsync(string roomId, long streamPosition, CancellationToken cancellationToken = default);

    /// <summary>The gap after a room's last accepted event in topological order, or null when the room has none.</summary>
    Task<TopologicalPosition?> GetLatestTopologicalPositionAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The state events at <paramref name="keys"/> before or after each of <paramref name="eventNids"/>, as event nid →
    /// (key → state event). Events without known state (rejected, outliers, unknown) are absent; keys not in an event's
    /// state are absent from its map. Lookups are shared per state group, so a page of events costs a few queries.
    /// </summary>
    Task<IReadOnlyDictionary<long, IReadOnlyDictionary<StateKey, StoredEvent>>> GetStateEventsAtEventsAsync(
        IReadOnlyCollection<long> eventNids, IReadOnlyCollection<StateKey> keys, StatePoint point,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> accepted events of a room ordered by origin_server_ts from
    /// <paramref name="timestamp"/>: forwards, those at or after it (earliest first); backwards, those at or before it
    /// (latest first). Ties are broken in topological order.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> GetEventsByTimestampAsync(
        string roomId, long timestamp, PaginationDirection direction, int limit, CancellationToken cancellationToken = default);
}
