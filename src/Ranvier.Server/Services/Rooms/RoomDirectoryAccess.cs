using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Who may change how a room is found: its directory visibility and the aliases other users made for it. The spec
/// leaves this to servers ("Servers MAY implement additional access control checks"); like Synapse, Ranvier lets
/// server administrators, and joined members with the power to send <c>m.room.canonical_alias</c>, the state event
/// that advertises a room's aliases.
/// </summary>
public sealed class RoomDirectoryAccess(RoomEventReader reader)
{
    private static readonly StateKey[] Keys =
    [
        new(EventTypes.Create, string.Empty),
        new(EventTypes.PowerLevels, string.Empty),
    ];

    /// <summary>Whether the requester may publish or unpublish the (known) room and delete any of its aliases.</summary>
    public async Task<bool> CanEditAsync(RequestContext context, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.IsAdmin)
        {
            return true;
        }

        if (await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false) is not { } version
            || await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false) != Memberships.Join)
        {
            return false;
        }

        var state = await reader.GetCurrentStateAsync(roomId, version, Keys, cancellationToken).ConfigureAwait(false);
        var levels = PowerLevels.TryFromState(version, new AuthState(state), out _);
        return levels is not null && levels.CanSend(context.UserId, EventTypes.CanonicalAlias, isState: true);
    }
}
