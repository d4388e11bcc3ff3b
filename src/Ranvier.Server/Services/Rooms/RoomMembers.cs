using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// A room's member list as a user may see it (spec: GET /rooms/{roomId}/members and /joined_members): members see
/// the current list, former members the list as it was when they left (<see cref="RoomReadAccess"/>), and a
/// pagination token or event ID in <c>at</c> moves the view back to that point.
/// </summary>
public sealed class RoomMembers(RoomEventReader reader, RoomReadAccess access, IRoomMembershipStore memberships)
{
    private static readonly HashSet<string> KnownMemberships =
        [Memberships.Join, Memberships.Invite, Memberships.Knock, Memberships.Leave, Memberships.Ban];

    /// <summary>
    /// The m.room.member events in view, filtered as the spec's <c>membership</c> / <c>not_membership</c> say: when
    /// both are given, an event passes when either matches (membership is the one, or is not the other).
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> GetMembersAsync(
        RequestContext context, string roomId, string? at, string? membership, string? notMembership, CancellationToken cancellationToken)
    {
        CheckMembershipFilter("membership", membership);
        CheckMembershipFilter("not_membership", notMembership);
        var view = await access.GetStateViewAsync(context, roomId, cancellationToken).ConfigureAwait(false);
        var point = at is null ? view : Earlier(await ResolveAtAsync(roomId, at, cancellationToken).ConfigureAwait(false), view);
        var members = point is null && at is null
            ? await reader.Store.GetCurrentStateEventsOfTypeAsync(roomId, EventTypes.Member, cancellationToken).ConfigureAwait(false)
            : await MembersAfterAsync(point, cancellationToken).ConfigureAwait(false);
        if (membership is null && notMembership is null)
        {
            return members;
        }

        var version = await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false);
        return members.Where(m =>
        {
            var value = JsonNodeValues.GetString(RoomEventReader.ToPdu(m, version!).Content, "membership");
            return (membership is not null && value == membership) || (notMembership is not null && value != notMembership);
        }).ToList();
    }

    /// <summary>
    /// The currently joined members with the display name and avatar of their member events. Only readers of the
    /// current state (joined users, anyone for a world_readable room) may ask; former members get 403 M_FORBIDDEN.
    /// </summary>
    public async Task<IReadOnlyList<(string UserId, string? DisplayName, string? AvatarUrl)>> GetJoinedMembersAsync(
        RequestContext context, string roomId, CancellationToken cancellationToken)
    {
        if (await access.GetStateViewAsync(context, roomId, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw MatrixError.Forbidden("You are not in this room.");
        }

        var version = await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false);
        var members = await reader.Store.GetCurrentStateEventsOfTypeAsync(roomId, EventTypes.Member, cancellationToken).ConfigureAwait(false);
        var joined = new List<(string, string?, string?)>(members.Count);
        foreach (var member in members)
        {
            var content = RoomEventReader.ToPdu(member, version!).Content;
            if (JsonNodeValues.GetString(content, "membership") == Memberships.Join)
            {
                joined.Add((member.StateKey!, JsonNodeValues.GetString(content, "displayname"), JsonNodeValues.GetString(content, "avatar_url")));
            }
        }

        return joined;
    }

    /// <summary>
    /// The event an <c>at</c> value names: an event ID of the room, or a stream token <c>s&lt;position&gt;</c> (the
    /// room's last event at or before that position; null when the room had none yet).
    /// </summary>
    private async Task<StoredEvent?> ResolveAtAsync(string roomId, string at, CancellationToken cancellationToken)
    {
        string? eventId;
        if (at.StartsWith('$'))
        {
            eventId = at;
        }
        else if (at.Length > 1 && at[0] == 's' && long.TryParse(at.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position))
        {
            eventId = await memberships.GetLastEventIdAtStreamPositionAsync(roomId, position, cancellationToken).ConfigureAwait(false);
            if (eventId is null)
            {
                return null;
            }
        }
        else
        {
            throw MatrixError.InvalidParam("at must be a pagination token or an event ID of the room.");
        }

        var stored = await reader.Store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false);
        return stored is { Status: EventStatus.Accepted } && stored.RoomId == roomId
            ? stored
            : throw MatrixError.NotFound("The room has no such event.");
    }

    /// <summary>The earlier of the asked point and the end of the user's view (null view: no limit).</summary>
    private static StoredEvent? Earlier(StoredEvent? asked, StoredEvent? view) =>
        asked is null || view is null || asked.EventNid <= view.EventNid ? asked : view;

    private async Task<IReadOnlyList<StoredEvent>> MembersAfterAsync(StoredEvent? point, CancellationToken cancellationToken)
    {
        if (point is null)
        {
            return [];
        }

        var state = await reader.Store.GetStateAtEventAsync(point.EventId, StatePoint.After, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return [];
        }

        var ids = state.Where(e => e.Key.Type == EventTypes.Member).OrderBy(e => e.Key.Key, StringComparer.Ordinal).Select(e => e.Value).ToList();
        return await reader.Store.GetEventsByIdAsync(ids, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckMembershipFilter(string name, string? value)
    {
        if (value is not null && !KnownMemberships.Contains(value))
        {
            throw MatrixError.InvalidParam($"{name} must be one of join, invite, knock, leave, ban.");
        }
    }
}
