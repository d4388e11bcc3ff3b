using System.Collections.Concurrent;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Configuration;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Push;

/// <summary>Who a room's new events are evaluated for, and the room facts rules read (see <see cref="RoomPushAudiences"/>).</summary>
/// <param name="JoinedCount">Joined members, local or not (<c>room_member_count</c>).</param>
/// <param name="LocalMembers">Local joined users with their display name in the room.</param>
/// <param name="PowerLevels">The room's power levels (sender levels, <c>notifications</c>).</param>
public sealed record RoomPushAudience(long JoinedCount, IReadOnlyList<(string UserId, string? DisplayName)> LocalMembers, PowerLevels PowerLevels);

/// <summary>
/// A cache of each room's push audience, read from the room's current state. Entries are dropped when a member or
/// power-levels event of the room is persisted (<see cref="Invalidate"/>, called by the event pipeline under the
/// room's lock), so the next event reads them afresh. Single-node, like the room locks.
/// </summary>
public sealed class RoomPushAudiences(RanvierOptions options, RoomEventReader reader)
{
    /// <summary>Rooms kept at most; beyond it the cache starts over (it refills from the store on demand).</summary>
    public const int MaxRooms = 10_000;

    private readonly ServerName _serverName = ServerName.Parse(options.ServerName);
    private readonly ConcurrentDictionary<string, RoomPushAudience> _rooms = new(StringComparer.Ordinal);

    /// <summary>Whether persisting <paramref name="pdu"/> changes its room's audience.</summary>
    public static bool Changes(Pdu pdu) =>
        pdu.StateKey is not null && pdu.Type is EventTypes.Member or EventTypes.PowerLevels or EventTypes.Create;

    /// <summary>Drops the room's entry.</summary>
    public void Invalidate(string roomId) => _rooms.TryRemove(roomId, out _);

    /// <summary>The room's audience as its current state says.</summary>
    public async ValueTask<RoomPushAudience> GetAsync(string roomId, RoomVersion version, CancellationToken cancellationToken)
    {
        if (_rooms.TryGetValue(roomId, out var cached))
        {
            return cached;
        }

        var audience = await ReadAsync(roomId, version, cancellationToken).ConfigureAwait(false);
        if (_rooms.Count >= MaxRooms)
        {
            _rooms.Clear();
        }

        _rooms[roomId] = audience;
        return audience;
    }

    private async Task<RoomPushAudience> ReadAsync(string roomId, RoomVersion version, CancellationToken cancellationToken)
    {
        var members = await reader.Store.GetCurrentStateEventsOfTypeAsync(roomId, EventTypes.Member, cancellationToken).ConfigureAwait(false);
        long joined = 0;
        var local = new List<(string, string?)>();
        foreach (var member in members)
        {
            var content = RoomEventReader.ToPdu(member, version).Content;
            if (JsonNodeValues.GetString(content, "membership") != Memberships.Join)
            {
                continue;
            }

            joined++;
            if (UserId.TryParse(member.StateKey!, out var userId) && userId.Server == _serverName)
            {
                local.Add((member.StateKey!, JsonNodeValues.GetString(content, "displayname")));
            }
        }

        var state = await reader.GetCurrentStateAsync(
            roomId, version, [new StateKey(EventTypes.Create, string.Empty), new StateKey(EventTypes.PowerLevels, string.Empty)], cancellationToken)
            .ConfigureAwait(false);
        var levels = PowerLevels.TryFromState(version, new AuthState(state), out _) ?? PowerLevels.Defaults(RoomCreators.None);
        return new RoomPushAudience(joined, local, levels);
    }
}
