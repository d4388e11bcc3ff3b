using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.UserData;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Membership changes of local users in local rooms (spec: client-server API, "Room membership"). Each change is
/// an m.room.member event through the event pipeline, so the room version's auth rules decide who may do what.
/// </summary>
public sealed class MembershipService(
    RanvierOptions options,
    RoomEventPipeline pipeline,
    RoomEventReader reader,
    MemberContent memberContent,
    IUserDataStore userData,
    RoomAliasService aliases)
{
    /// <summary>Joins the requester to a room this server has, by ID or local alias. Joining a room one is already in changes nothing.</summary>
    public async Task<string> JoinAsync(RequestContext context, string roomIdOrAlias, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var roomId = await aliases.ResolveRoomIdOrAliasAsync(roomIdOrAlias, cancellationToken).ConfigureAwait(false);
        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (reason is null && await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false) == Memberships.Join)
        {
            return roomId;
        }

        var content = await memberContent.BuildAsync(context.UserId, Memberships.Join, reason, false, cancellationToken).ConfigureAwait(false);
        await pipeline.SendAsync(new EventDraft(roomId, EventTypes.Member, context.UserId, context.UserId, content), cancellationToken).ConfigureAwait(false);
        return roomId;
    }

    /// <summary>Leaves a room, or rejects an invite to it (spec: POST /rooms/{roomId}/leave).</summary>
    public async Task LeaveAsync(RequestContext context, string roomId, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        var membership = await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false);
        if (membership is null or Memberships.Leave)
        {
            throw MatrixError.Forbidden("You are not in this room.");
        }

        var content = await memberContent.BuildAsync(context.UserId, Memberships.Leave, reason, false, cancellationToken).ConfigureAwait(false);
        await pipeline.SendAsync(new EventDraft(roomId, EventTypes.Member, context.UserId, context.UserId, content), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Invites a user of this server (spec: POST /rooms/{roomId}/invite).</summary>
    public async Task InviteAsync(RequestContext context, string roomId, string invitee, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!UserId.TryParse(invitee, out var inviteeId))
        {
            throw MatrixError.InvalidParam($"{invitee} is not a valid user ID.");
        }

        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await RequireLocalUserAsync(inviteeId, cancellationToken).ConfigureAwait(false);
        var content = await memberContent.BuildAsync(invitee, Memberships.Invite, reason, false, cancellationToken).ConfigureAwait(false);
        await pipeline.SendAsync(new EventDraft(roomId, EventTypes.Member, invitee, context.UserId, content), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>404 M_NOT_FOUND for a room this server does not have (rooms do not federate yet, so nothing else could be asked).</summary>
    public async Task RequireKnownRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out _))
        {
            throw MatrixError.InvalidParam($"{roomId} is not a valid room ID.");
        }

        if (await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw MatrixError.NotFound("This server knows no such room.");
        }
    }

    /// <summary>The target of a membership change must be an existing user of this server (no federation yet).</summary>
    public async Task RequireLocalUserAsync(UserId userId, CancellationToken cancellationToken)
    {
        if (userId.Server.ToString() != options.ServerName)
        {
            throw MatrixError.Forbidden($"{userId} is on another server, and this server does not federate yet.");
        }

        if (await userData.GetProfileAsync(userId.ToString(), cancellationToken).ConfigureAwait(false) is null)
        {
            throw MatrixError.NotFound($"There is no user {userId}.");
        }
    }
}
