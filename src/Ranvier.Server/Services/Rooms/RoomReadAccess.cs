using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Which view of a room's state a user may read (spec: GET /rooms/{roomId}/state: "If the user has left the room
/// then the state is taken from the state of the room when they left"): members read the current state, former
/// members the state as it was when they left (unless they forgot the room: POST /rooms/{roomId}/forget), anyone
/// the current state of a world_readable room.
/// </summary>
public sealed class RoomReadAccess(RoomEventReader reader, IRoomMembershipStore memberships)
{
    /// <summary>
    /// The event after which the user's view of the room stops, or null when they see the current state. 403
    /// M_FORBIDDEN when the user may not read the room at all (never a member, or invited only, and not world_readable).
    /// </summary>
    public async Task<StoredEvent?> GetStateViewAsync(RequestContext context, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var version = await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false)
            ?? throw MatrixError.Forbidden("You are not allowed to read this room.");
        var keys = new[] { new StateKey(EventTypes.Member, context.UserId), new StateKey(EventTypes.HistoryVisibility, string.Empty) };
        var state = await reader.Store.GetCurrentStateEventsAsync(roomId, keys, cancellationToken).ConfigureAwait(false);
        var member = state.GetValueOrDefault(keys[0]);
        var membership = member is null ? null : JsonNodeValues.GetString(RoomEventReader.ToPdu(member, version).Content, "membership");
        if (membership == Memberships.Join)
        {
            return null;
        }

        if (state.GetValueOrDefault(keys[1]) is { } visibility
            && JsonNodeValues.GetString(RoomEventReader.ToPdu(visibility, version).Content, "history_visibility") == "world_readable")
        {
            return null;
        }

        if (membership is Memberships.Leave or Memberships.Ban && member is not null
            && !await memberships.IsRoomForgottenAsync(context.UserId, roomId, cancellationToken).ConfigureAwait(false))
        {
            return member;
        }

        throw MatrixError.Forbidden("You are not allowed to read this room.");
    }
}
