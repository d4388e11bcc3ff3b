using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Server.Services.Rooms;
using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Services.Typing;

/// <summary>
/// Who is typing in which room (spec: client-server API, "Typing Notifications"), in memory only: the server
/// "does not remember users who are not currently typing". Every change of a room's set takes the next typing
/// position (<see cref="StreamNotifier.AdvanceTyping"/>), which wakes long-polling syncs. Expiry is driven by one
/// timer set to the earliest expiry, so a typing user disappears on time without anything polling; leaving the
/// room (any member event that is not a join) stops typing at once.
/// </summary>
public sealed class TypingTracker : IRoomEventObserver, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RoomTyping> _rooms = new(StringComparer.Ordinal);

    // Expiries in time order. A refresh or a stop leaves the old entry behind; it is skipped when it falls due.
    private readonly PriorityQueue<(string RoomId, string UserId, DateTimeOffset Expiry), DateTimeOffset> _expiries = new();
    private readonly StreamNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private DateTimeOffset? _timerDue;

    public TypingTracker(StreamNotifier notifier, TimeProvider time)
    {
        _notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        // Only this tracker advances the typing stream, so nothing has moved it yet.
        FirstPosition = notifier.Current.Typing;
        _timer = time.CreateTimer(_ => ExpireDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The typing position this process started at: a sync token below it comes from an earlier process.</summary>
    public long FirstPosition { get; }

    /// <summary>Marks the user as typing for <paramref name="timeout"/> (a zero or negative timeout stops typing).</summary>
    public void Start(string roomId, string userId, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(userId);
        if (timeout <= TimeSpan.Zero)
        {
            Stop(roomId, userId);
            return;
        }

        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var room))
            {
                room = new RoomTyping();
                _rooms.Add(roomId, room);
            }

            var expiry = _time.GetUtcNow() + timeout;
            var isNew = !room.Users.ContainsKey(userId);
            room.Users[userId] = expiry;
            _expiries.Enqueue((roomId, userId, expiry), expiry);
            if (_timerDue is not { } due || expiry < due)
            {
                Schedule(expiry);
            }

            // A refresh changes only the expiry; clients see no difference, so no sync is woken.
            if (isNew)
            {
                room.LastChange = _notifier.AdvanceTyping();
            }
        }
    }

    /// <summary>Marks the user as no longer typing in the room (nothing happens when they were not).</summary>
    public void Stop(string roomId, string userId)
    {
        lock (_gate)
        {
            if (_rooms.TryGetValue(roomId, out var room) && room.Users.Remove(userId))
            {
                room.LastChange = _notifier.AdvanceTyping();
            }
        }
    }

    /// <summary>Leaving a room (or being kicked, banned, or anything else than joined) stops typing there.</summary>
    public void OnPersisted(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        if (pdu.Type == EventTypes.Member && pdu.StateKey is { } member && JsonNodeValues.GetString(pdu.Content, "membership") != Memberships.Join)
        {
            Stop(pdu.RoomId, member);
        }
    }

    /// <summary>The typing users of those <paramref name="roomIds"/> that ever had any since start-up, with the position of each room's last change.</summary>
    public IReadOnlyList<RoomTypingSnapshot> Snapshot(IReadOnlySet<string> roomIds)
    {
        ArgumentNullException.ThrowIfNull(roomIds);
        var snapshot = new List<RoomTypingSnapshot>();
        lock (_gate)
        {
            // Walk the smaller side: a user in many rooms, or a server with many rooms with typing.
            if (roomIds.Count <= _rooms.Count)
            {
                foreach (var roomId in roomIds)
                {
                    if (_rooms.TryGetValue(roomId, out var room))
                    {
                        snapshot.Add(room.Snapshot(roomId));
                    }
                }
            }
            else
            {
                foreach (var (roomId, room) in _rooms)
                {
                    if (roomIds.Contains(roomId))
                    {
                        snapshot.Add(room.Snapshot(roomId));
                    }
                }
            }
        }

        return snapshot;
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>The timer's callback: removes every expired user, takes one typing position for all rooms that changed, re-arms.</summary>
    private void ExpireDue()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            List<RoomTyping>? changed = null;
            while (_expiries.TryPeek(out var entry, out var expiry) && expiry <= now)
            {
                _expiries.Dequeue();
                if (_rooms.TryGetValue(entry.RoomId, out var room)
                    && room.Users.TryGetValue(entry.UserId, out var current) && current == entry.Expiry
                    && room.Users.Remove(entry.UserId))
                {
                    (changed ??= []).Add(room);
                }
            }

            if (changed is not null)
            {
                var position = _notifier.AdvanceTyping();
                foreach (var room in changed)
                {
                    room.LastChange = position;
                }
            }

            _timerDue = null;
            if (_expiries.TryPeek(out _, out var next))
            {
                Schedule(next);
            }
        }
    }

    private void Schedule(DateTimeOffset due)
    {
        var delay = due - _time.GetUtcNow();
        _timerDue = due;
        _timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private sealed class RoomTyping
    {
        public Dictionary<string, DateTimeOffset> Users { get; } = new(StringComparer.Ordinal);

        /// <summary>The typing position of the room's last change (0: none since start-up).</summary>
        public long LastChange { get; set; }

        public RoomTypingSnapshot Snapshot(string roomId) =>
            new(roomId, [.. Users.Keys.Order(StringComparer.Ordinal)], LastChange);
    }
}

/// <summary>A room's typing users at one moment, and the typing position at which that set last changed.</summary>
public sealed record RoomTypingSnapshot(string RoomId, IReadOnlyList<string> UserIds, long LastChange);
