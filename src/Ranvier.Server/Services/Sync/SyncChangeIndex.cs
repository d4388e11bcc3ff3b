namespace Ranvier.Server.Services.Sync;

/// <summary>
/// What a stretch of the stream can have changed for one syncing user, as far as the in-memory
/// <see cref="SyncChangeIndex"/> knows. <see cref="Unknown"/> means anything may have changed: the parts of /sync
/// must then read the store as if there were no index.
/// </summary>
[Flags]
public enum SyncChanges
{
    /// <summary>Every position is known and none concerns the user.</summary>
    None = 0,

    /// <summary>A position the index does not know (another writer's, evicted, or from before this process).</summary>
    Unknown = 1,

    /// <summary>A room event in a joined room or of the user's own membership anywhere, or the user's account data.</summary>
    Rooms = 2,

    /// <summary>A membership event in a joined room or of the user (who shares rooms with whom may differ).</summary>
    Members = 4,

    /// <summary>A receipt in a joined room.</summary>
    Receipts = 8,

    /// <summary>A to-device message for one of the user's devices.</summary>
    ToDevice = 16,

    /// <summary>Anyone's presence (the index does not know who shares rooms with the user).</summary>
    Presence = 32,

    /// <summary>The user's account data, global or of a room (always with <see cref="Rooms"/>).</summary>
    AccountData = 64,
}

/// <summary>Reading <see cref="SyncChanges"/> the way the parts of /sync need it.</summary>
public static class SyncChangesExtensions
{
    /// <summary>True when <paramref name="changes"/> may include any of <paramref name="kinds"/> (always when unknown).</summary>
    public static bool MayInclude(this SyncChanges changes, SyncChanges kinds) =>
        (changes & (kinds | SyncChanges.Unknown)) != SyncChanges.None;
}

/// <summary>
/// An in-memory record of what each recent stream position touched (a room event of a room, perhaps the membership of
/// a user; a user's account data; a receipt in a room; to-device messages for some users; someone's presence), so a
/// long-polling sync woken by another user's write can tell without reading the store that nothing concerns it, and
/// a sync that does compute can skip the parts with nothing new. Writers record a position before they announce it
/// with <see cref="StreamNotifier.Advance"/>. A position not recorded (another stream's, an evicted one, or one from
/// before this process started) answers <see cref="SyncChanges.Unknown"/>, and the sync reads everything from the
/// store, so the index can only save work, never lose an event.
/// </summary>
public sealed class SyncChangeIndex
{
    /// <summary>Positions remembered; a sync whose window reaches further back recomputes from the store.</summary>
    public const int Capacity = 65_536;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Change[]> _changes = [];
    private readonly Queue<long> _order = new();
    private long _floor;

    public SyncChangeIndex(StreamNotifier notifier)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        _floor = notifier.Position;
    }

    private enum Kind : byte
    {
        RoomEvent,
        AccountData,
        Receipt,
        ToDevice,
        Presence,
    }

    /// <summary>Records a room event at <paramref name="position"/>; <paramref name="memberUserId"/> is the state key of an m.room.member event.</summary>
    public void RoomEvent(long position, string roomId, string? memberUserId) => Record(position, [new Change(Kind.RoomEvent, roomId, memberUserId)]);

    /// <summary>Records an account-data write of <paramref name="userId"/> at <paramref name="position"/>.</summary>
    public void AccountData(long position, string userId) => Record(position, [new Change(Kind.AccountData, null, userId)]);

    /// <summary>Records a receipt in <paramref name="roomId"/> at <paramref name="position"/>.</summary>
    public void Receipt(long position, string roomId) => Record(position, [new Change(Kind.Receipt, roomId, null)]);

    /// <summary>Records to-device messages for <paramref name="recipients"/> at <paramref name="position"/>.</summary>
    public void ToDevice(long position, IEnumerable<string> recipients) =>
        Record(position, [.. recipients.Distinct(StringComparer.Ordinal).Select(user => new Change(Kind.ToDevice, null, user))]);

    /// <summary>Records a presence change of <paramref name="userId"/> at <paramref name="position"/>.</summary>
    public void Presence(long position, string userId) => Record(position, [new Change(Kind.Presence, null, userId)]);

    /// <summary>
    /// What (<paramref name="after"/>, <paramref name="upto"/>] changed for <paramref name="userId"/>, joined to
    /// <paramref name="joinedRoomIds"/> (null when not known yet: then every room counts as joined).
    /// </summary>
    public SyncChanges Describe(string userId, IReadOnlySet<string>? joinedRoomIds, long after, long upto)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (upto <= after)
        {
            return SyncChanges.None;
        }

        var changes = SyncChanges.None;
        return Visit(after, upto, change => changes |= Classify(change, userId, joinedRoomIds)) ? changes : SyncChanges.Unknown;
    }

    /// <summary>
    /// The rooms with a room event in (<paramref name="after"/>, <paramref name="upto"/>], or null when the index does
    /// not know every position there (then the store must be asked).
    /// </summary>
    public IReadOnlySet<string>? RoomsWithEvents(long after, long upto)
    {
        var rooms = new HashSet<string>(StringComparer.Ordinal);
        return Visit(after, upto, change =>
        {
            if (change.Kind == Kind.RoomEvent)
            {
                rooms.Add(change.RoomId!);
            }
        }) ? rooms : null;
    }

    /// <summary>
    /// True when every position in (<paramref name="after"/>, <paramref name="upto"/>] is known and none is a member
    /// event of <paramref name="userId"/>: the user's memberships are the same at both ends. (Recorded room events are
    /// local sends, which change a room's current state only at their own key.)
    /// </summary>
    public bool MembershipUnchanged(string userId, long after, long upto)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var changed = false;
        return Visit(after, upto, change => changed |= change.Kind == Kind.RoomEvent && change.UserId == userId) && !changed;
    }

    /// <summary>Shows every change recorded in (after, upto] to <paramref name="visit"/>; false when a position there is not known.</summary>
    private bool Visit(long after, long upto, Action<Change> visit)
    {
        if (upto <= after)
        {
            return true;
        }

        lock (_gate)
        {
            if (after < _floor || upto - after > Capacity)
            {
                return false;
            }

            for (var position = after + 1; position <= upto; position++)
            {
                if (!_changes.TryGetValue(position, out var recorded))
                {
                    return false;
                }

                foreach (var change in recorded)
                {
                    visit(change);
                }
            }
        }

        return true;
    }

    private static SyncChanges Classify(Change change, string userId, IReadOnlySet<string>? joinedRoomIds)
    {
        var joined = change.RoomId is not null && (joinedRoomIds is null || joinedRoomIds.Contains(change.RoomId));
        return change.Kind switch
        {
            Kind.RoomEvent when change.UserId == userId => SyncChanges.Rooms | SyncChanges.Members,
            Kind.RoomEvent when joined => change.UserId is null ? SyncChanges.Rooms : SyncChanges.Rooms | SyncChanges.Members,
            Kind.AccountData when change.UserId == userId => SyncChanges.Rooms | SyncChanges.AccountData,
            Kind.Receipt when joined => SyncChanges.Receipts,
            Kind.ToDevice when change.UserId == userId => SyncChanges.ToDevice,
            Kind.Presence => SyncChanges.Presence,
            _ => SyncChanges.None,
        };
    }

    private void Record(long position, Change[] changes)
    {
        lock (_gate)
        {
            if (position <= _floor || !_changes.TryAdd(position, changes))
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

    private readonly record struct Change(Kind Kind, string? RoomId, string? UserId);
}
