namespace Ranvier.Storage.Rooms;

/// <summary>
/// Room events, their DAG, room state and the global stream. Writes are one transaction per event: event,
/// edges, state groups, forward extremities, current state and stream position commit together or not at all.
/// Callers serialize writes per room (one writer per room), so the DAG and current state of a room never race.
/// </summary>
public partial interface IRoomEventStore
{
    /// <summary>
    /// Persists an event. Throws <see cref="StorageConflictException"/> when its event ID is already stored,
    /// <see cref="TransactionConflictException"/> when its client transaction already created an event, and
    /// <see cref="StorageException"/> when its state input names events or state the store does not have.
    /// For an accepted, non-backfilled event: allocates the next stream position, makes the event a forward
    /// extremity in place of its prev_events, and sets the room's current state to the state after it.
    /// </summary>
    Task<PersistedEvent> PersistEventAsync(EventToPersist request, CancellationToken cancellationToken = default);

    Task<StoredEvent?> GetEventAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>The stored events among <paramref name="eventNids"/>, in the order asked; unknown IDs are skipped.</summary>
    Task<IReadOnlyList<StoredEvent>> GetEventsAsync(IReadOnlyList<long> eventNids, CancellationToken cancellationToken = default);

    /// <summary>The room version recorded for a room, or null for an unknown room.</summary>
    Task<string?> GetRoomVersionAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The state before or after an event, as (type, state_key) → event ID; null when the event is unknown or has
    /// no known state (rejected events, outliers).
    /// </summary>
    Task<IReadOnlyDictionary<StateKey, string>?> GetStateAtEventAsync(string eventId, StatePoint point, CancellationToken cancellationToken = default);

    /// <summary>The room's current state (empty for an unknown room).</summary>
    Task<IReadOnlyDictionary<StateKey, string>> GetCurrentStateAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>The room's forward extremities: accepted events with no children yet, in event-ID order.</summary>
    Task<IReadOnlyList<string>> GetForwardExtremitiesAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>The room's syncable events with a stream position above <paramref name="afterPosition"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredEvent>> GetRoomEventsAfterAsync(string roomId, long afterPosition, int limit, CancellationToken cancellationToken = default);

    /// <summary>The stored events among <paramref name="eventIds"/>, in the order asked; unknown IDs are skipped.</summary>
    Task<IReadOnlyList<StoredEvent>> GetEventsByIdAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default);

    /// <summary>The events of the room's current state at <paramref name="keys"/>; keys not in the state are absent.</summary>
    Task<IReadOnlyDictionary<StateKey, StoredEvent>> GetCurrentStateEventsAsync(
        string roomId, IReadOnlyCollection<StateKey> keys, CancellationToken cancellationToken = default);

    /// <summary>Every event of the room's current state, or those of one <paramref name="type"/>, in state-key order.</summary>
    Task<IReadOnlyList<StoredEvent>> GetCurrentStateEventsOfTypeAsync(string roomId, string? type, CancellationToken cancellationToken = default);

    /// <summary>Every room in whose current state <paramref name="userId"/> has a member event, with that membership.</summary>
    Task<IReadOnlyList<RoomMembership>> GetRoomsForUserAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>The event a client transaction created, or null when that transaction is new.</summary>
    Task<string?> GetTransactionEventIdAsync(ClientTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>The highest committed stream position (0 before anything was written).</summary>
    Task<long> GetMaxStreamPositionAsync(CancellationToken cancellationToken = default);
}
