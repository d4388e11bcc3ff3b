namespace Ranvier.Storage.Rooms;

/// <summary>
/// Reads of the redaction and relation indexes that the event store fills when it persists an accepted event:
/// which redaction applies to an event (spec: client-server API, "Redactions"), the child events of a parent
/// ("Forming relationships between events") and their bundled aggregations. Children whose own event was redacted
/// are left out everywhere: redacting a child breaks its relationship.
/// </summary>
public interface IRoomRelationsStore
{
    /// <summary>The first accepted redaction of each of <paramref name="eventIds"/> that has one (any room: callers compare).</summary>
    Task<IReadOnlyDictionary<string, StoredEvent>> GetRedactionsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default);

    /// <summary>A page of an event's children in topological order (see <see cref="RelationsQuery"/>).</summary>
    Task<RelationsPage> GetRelationsAsync(RelationsQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The aggregations of child events for the parents <paramref name="parentIds"/> of one room (spec: "Aggregations
    /// of child events"): threads, references and the latest valid replacement. <paramref name="viewer"/> decides
    /// <see cref="ThreadSummary.ViewerParticipated"/> (as a child's sender; the caller adds "sent the root").
    /// </summary>
    Task<BundledRelations> GetBundledRelationsAsync(string roomId, IReadOnlyList<string> parentIds, string? viewer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <paramref name="sender"/> already annotated <paramref name="parentId"/> with an unredacted event of
    /// <paramref name="type"/> and <paramref name="key"/> (spec: "Avoiding duplicate annotations").
    /// </summary>
    Task<bool> HasAnnotationAsync(string parentId, string sender, string type, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Thread roots of a room, the most recently active thread first (spec: GET /rooms/{roomId}/threads), starting
    /// below <paramref name="before"/> (the latest-activity position of the last root of the previous page).
    /// <paramref name="participant"/>, when set, keeps only threads the user started or replied in.
    /// </summary>
    Task<IReadOnlyList<ThreadRoot>> GetThreadRootsAsync(
        string roomId, TopologicalPosition? before, string? participant, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A place in a room's topological order: (depth, event_nid), the order /messages and relations use.</summary>
public readonly record struct TopologicalPosition(long Depth, long EventNid)
{
    public static TopologicalPosition Of(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(stored.Depth, stored.EventNid);
    }
}

/// <summary>
/// Which children of <paramref name="ParentId"/> to read: optionally only one rel_type and event type (applied at
/// every level); <paramref name="MaxDepth"/> 1 for direct children, more to follow relations of relations.
/// <paramref name="Forward"/> reads oldest first after <paramref name="From"/>, else newest first before it;
/// <paramref name="To"/> bounds the page inclusively.
/// </summary>
public sealed record RelationsQuery(
    string RoomId,
    string ParentId,
    string? RelType,
    string? EventType,
    int MaxDepth,
    bool Forward,
    TopologicalPosition? From,
    TopologicalPosition? To,
    int Limit);

/// <summary>A page of children; <paramref name="More"/> says whether the query had further events.</summary>
public sealed record RelationsPage(IReadOnlyList<StoredEvent> Events, bool More);

/// <summary>
/// Bundled aggregations by parent event ID: <paramref name="Threads"/> (m.thread), <paramref name="References"/>
/// (m.reference children, oldest first) and <paramref name="Replacements"/> (the most recent valid m.replace:
/// same sender and type as a non-state parent that is not itself an edit; most recent by origin_server_ts, then
/// the larger event ID).
/// </summary>
public sealed record BundledRelations(
    IReadOnlyDictionary<string, ThreadSummary> Threads,
    IReadOnlyDictionary<string, IReadOnlyList<string>> References,
    IReadOnlyDictionary<string, StoredEvent> Replacements)
{
    public static BundledRelations None { get; } = new(
        new Dictionary<string, ThreadSummary>(), new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, StoredEvent>());
}

/// <summary>A thread's summary: its latest event (topologically), its number of events, and whether the viewer replied in it.</summary>
public sealed record ThreadSummary(StoredEvent LatestEvent, int Count, bool ViewerParticipated);

/// <summary>A thread root with the topological position of its thread's latest event (the threads list's order and token).</summary>
public sealed record ThreadRoot(StoredEvent Root, TopologicalPosition LatestActivity);
