using System.Collections.Concurrent;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// Which member events each device was already sent per room (spec: "Lazy-loading room members": a server may skip
/// "redundant" member events the client already has). In memory only: after a restart, or when a device falls out of
/// the bounded cache, members are simply sent again, which the spec allows.
/// </summary>
public sealed class LazyMemberCache
{
    /// <summary>Devices remembered; past this the cache starts over (redundant members are harmless, memory is not).</summary>
    private const int MaxDevices = 10_000;

    private readonly ConcurrentDictionary<(string User, string Device), DeviceMembers> _devices = new();

    /// <summary>Whether <paramref name="memberEventId"/> was already sent to the device for the room.</summary>
    public bool WasSent(string userId, string deviceId, string roomId, string memberUserId, string memberEventId) =>
        _devices.TryGetValue((userId, deviceId), out var device) && device.WasSent(roomId, memberUserId, memberEventId);

    /// <summary>Records member events sent to the device for the room.</summary>
    public void Sent(string userId, string deviceId, string roomId, IEnumerable<(string MemberUserId, string EventId)> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (_devices.Count >= MaxDevices)
        {
            _devices.Clear();
        }

        _devices.GetOrAdd((userId, deviceId), _ => new DeviceMembers()).Record(roomId, members);
    }

    /// <summary>Forgets what the device has for the room (a gap or a from-scratch room: members are sent again).</summary>
    public void Reset(string userId, string deviceId, string roomId)
    {
        if (_devices.TryGetValue((userId, deviceId), out var device))
        {
            device.Reset(roomId);
        }
    }

    private sealed class DeviceMembers
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, Dictionary<string, string>> _rooms = new(StringComparer.Ordinal);

        public bool WasSent(string roomId, string memberUserId, string eventId)
        {
            lock (_gate)
            {
                return _rooms.TryGetValue(roomId, out var members) && members.TryGetValue(memberUserId, out var sent) && sent == eventId;
            }
        }

        public void Record(string roomId, IEnumerable<(string MemberUserId, string EventId)> members)
        {
            lock (_gate)
            {
                if (!_rooms.TryGetValue(roomId, out var room))
                {
                    room = new Dictionary<string, string>(StringComparer.Ordinal);
                    _rooms[roomId] = room;
                }

                foreach (var (member, eventId) in members)
                {
                    room[member] = eventId;
                }
            }
        }

        public void Reset(string roomId)
        {
            lock (_gate)
            {
                _rooms.Remove(roomId);
            }
        }
    }
}
