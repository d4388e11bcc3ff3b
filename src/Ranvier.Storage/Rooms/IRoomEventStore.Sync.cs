namespace Ranvier.Storage.Rooms;

/// <summary>The reads /sync makes (spec: client-server API, "Syncing"): everything a user may be told between two stream positions.</summary>
public partial interface IRoomEventStore
{
    /// <summary>
    /// The user's own m.room.member events in a room with a stream position in (<paramref name="after"/>,
    /// <paramref name="upto"/>], in stream order: the membership changes a sync between those positions reports.
    /// </summary>
    Task<IReadOnlyList<MembershipEvent>> GetMembershipEventsInRoomAsync(
        string userId, string roomId, long after, long upto, CancellationToken cancellationToken = default);

    /// <summary>
    /// The user's membership of every room as of stream position <paramref name="upto"/>: their latest member event at or
    /// below it per room (the room's current member event when that is not newer), in room-ID order.
    /// </summary>
    Task<IReadOnlyList<MembershipEvent>> GetMembershipsAtAsync(string userId, long upto, CancellationToken cancellationToken = default);

    /// <summary>The rooms with at least one event in (<paramref name="after"/>, <paramref name="upto"/>] of the stream.</summary>
    Task<IReadOnlySet<string>> GetRoomsWithEventsAsync(long after, long upto, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> of the room's events with a stream position in (<paramref name="after"/>,
    /// <paramref name="upto"/>], newest first: a sync timeline is the latest events of its window.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> GetLatestRoomEventsAsync(
        string roomId, long after, long upto, int limit, CancellationToken cancellationToken = default);

    /// <summary>The client transaction IDs with which <paramref name="deviceId"/> of <paramref name="userId"/> sent any of <paramref name="eventNids"/>, by event nid.</summary>
    Task<IReadOnlyDictionary<long, string>> GetTransactionIdsAsync(
        string userId, string deviceId, IReadOnlyCollection<long> eventNids, CancellationToken cancellationToken = default);

    /// <summary>
    /// The room summary a sync sends (spec: "Room summary"): joined and invited member counts of the current state,
    /// and up to <paramref name="heroCount"/> other users in stream order of their member events — joined or invited
    /// ones, or else those who left or were banned.
    /// </summary>
    Task<RoomMemberSummary> GetRoomMemberSummaryAsync(string roomId, string userId, int heroCount, CancellationToken cancellationToken = default);
}

/// <summary>A member event of one user and the membership it gives them.</summary>
public sealed record MembershipEvent(string RoomId, string Membership, StoredEvent Event);

/// <summary>Member counts and heroes of a room (spec: RoomSummary, <c>m.heroes</c>).</summary>
public sealed record RoomMemberSummary(long JoinedCount, long InvitedCount, IReadOnlyList<string> Heroes);
