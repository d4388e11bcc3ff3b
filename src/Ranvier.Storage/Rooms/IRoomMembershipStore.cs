namespace Ranvier.Storage.Rooms;

/// <summary>
/// A user who shares a room with another (both joined, in current state), and the stream position since which they
/// do: over the rooms they share, the smallest of "the later of the two member events". A member event that keeps
/// the join (a profile change) counts as the latest, so the position may be later than the first shared join.
/// </summary>
public sealed record RoomMate(string UserId, long SharedSince);

/// <summary>
/// Membership bookkeeping beside the room DAG: rooms users have forgotten (spec: POST /rooms/{roomId}/forget),
/// the room event at a stream position, which is how a stream token names "the state at that point"
/// (spec: GET /rooms/{roomId}/members, <c>at</c>), and who shares a room with whom (presence visibility).
/// </summary>
public interface IRoomMembershipStore
{
    /// <summary>
    /// Records that <paramref name="userId"/> forgot the room as of their member event <paramref name="memberEventId"/>.
    /// The forget holds while that event stays their current member event. False when the event is unknown.
    /// </summary>
    Task<bool> ForgetRoomAsync(string userId, string roomId, string memberEventId, CancellationToken cancellationToken = default);

    /// <summary>True when the user forgot the room and has not become a member again since.</summary>
    Task<bool> IsRoomForgottenAsync(string userId, string roomId, CancellationToken cancellationToken = default);

    /// <summary>The rooms the user forgot and has not become a member of again since, in room-ID order.</summary>
    Task<IReadOnlyList<string>> GetForgottenRoomsAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The ID of the room's last event with a stream position at or below <paramref name="streamPosition"/>, or null
    /// when the room had none by then.
    /// </summary>
    Task<string?> GetLastEventIdAtStreamPositionAsync(string roomId, long streamPosition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every user joined to a room <paramref name="userId"/> is joined to (current state), the user themself
    /// included when they are joined anywhere, in user-ID order.
    /// </summary>
    Task<IReadOnlyList<RoomMate>> GetRoomMatesAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>True when both users are joined to at least one common room (current state).</summary>
    Task<bool> SharesRoomAsync(string userId, string otherUserId, CancellationToken cancellationToken = default);
}
