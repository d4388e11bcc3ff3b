namespace Ranvier.Server.Services.Sync;

/// <summary>
/// An in-memory record of what each recent stream position touched (a room event of a room, perhaps the membership of
/// a user; a user's account data), so a long-polling sync woken by another user's write can tell without reading the
/// store that its rooms and account data have nothing new. Writers record a position before they announce it with
/// <see cref="StreamNotifier.Advance"/>. A position not recorded (another stream's, an evicted one, or one from before
/// this process started) answers "maybe", and the sync recomputes from the store, so the index can only save work,
/// never lose an event.
/// </summary>
public sealed class SyncChangeIndex
{
    /// <summary>Positions remembered; a sync whose window reaches further back recomputes from the store.</summary>
    public const int Capacity = 65_536;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Change> _changes = [];
    private readonly Queue<long> _order = new();
    private long _floor;

    public SyncChangeIndex(StreamNotifier notifier)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        _floor = notifier.Position;
    }

    /// <summary>Records a room event at <paramref name="position"/>; <paramref name="memberUserId"/> is the state key of an m.room.member event.</summary>
    public void RoomEvent(long position, string roomId, string? memberUserId) => Record(position, new Change(roomId, memberUserId, null));

    /// <summary>Records an account-data write of <paramref name="userId"/> at <paramref name="position"/>.</summary>
    public void AccountData(long position, string userId) => Record(position, new Change(null, null, userId));

    /// <summary>Records a position that changes no room and no account data (receipts, presence, to-device…), so waiters need not recompute their rooms.</summary>
    public void Other(long position) => Record(position, new Change(null, null, null));

    /// <summary>
    /// False only when every position in (<paramref name="after"/>, <paramref name="upto"/>] is known and none touches
    /// <paramref name="joinedRoomIds"/>, the user's membership anywhere, or the user's account data.
    /// </summary>
    public bool MayConcern(string userId, IReadOnlySet<string> joinedRoomIds, long after, long upto)
    {
        ArgumentNullException.ThrowIfNull(joinedRoomIds);
        lock (_gate)
        {
            if (after < _floor || upto - after > Capacity)
            {
                return true;
            }

            for (var position = after + 1; position <= upto; position++)
            {
                if (!_changes.TryGetValue(position, out var change)
                    || change.MemberUserId == userId || change.AccountDataUserId == userId
                    || (change.RoomId is not null && joinedRoomIds.Contains(change.RoomId)))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private void Record(long position, Change change)
    {
        lock (_gate)
        {
            if (position <= _floor || !_changes.TryAdd(position, change))
            {
                return;
            }

            _order.Enqueue(position);
            while (_order.Count > Capacity)
            {
                var evicted = _order.Dequeue();
                _changes.Remove(evicted);
                _floor = Math.Max(_floor, evicted);
            }
        }
    }

    private readonly record struct Change(string? RoomId, string? MemberUserId, string? AccountDataUserId);
}
