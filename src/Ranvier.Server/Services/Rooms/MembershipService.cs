using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;
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
    RestrictedJoins restrictedJoins,
    IRoomMembershipStore memberships,
    IUserDataStore userData,
    RoomAliasService aliases)
{
    /// <summary>
    /// Joins the requester to a room this server has, by ID or local alias. Joining a room one is already in changes
    /// nothing. A guest may join only where m.room.guest_access is can_join (spec: "Guest access"); a restricted
    /// room's join names a local authorising user (<see cref="RestrictedJoins"/>); everything else is up to the room
    /// version's auth rules.
    /// </summary>
    public async Task<string> JoinAsync(RequestContext context, string roomIdOrAlias, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var roomId = await aliases.ResolveRoomIdOrAliasAsync(roomIdOrAlias, cancellationToken).ConfigureAwait(false);
        var version = await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        var membership = await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false);
        if (reason is null && membership == Memberships.Join)
        {
            return roomId;
        }

        if (context.IsGuest && !await AllowsGuestsAsync(roomId, cancellationToken).ConfigureAwait(false))
        {
            throw MatrixError.Forbidden("Guests may not join this room.");
        }

        var content = await memberContent.BuildAsync(context.UserId, Memberships.Join, reason, false, cancellationToken).ConfigureAwait(false);
        if (await restrictedJoins.FindAuthoriserAsync(roomId, version, context.UserId, membership, cancellationToken).ConfigureAwait(false) is { } authoriser)
        {
            content[RestrictedJoins.AuthorisedViaKey] = authoriser;
        }

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

    /// <summary>Kicks a member out of the room, or withdraws an invite (spec: POST /rooms/{roomId}/kick).</summary>
    public async Task KickAsync(RequestContext context, string roomId, string target, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var targetId = ParseUserId(target);
        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (await reader.GetMembershipAsync(roomId, targetId, cancellationToken).ConfigureAwait(false) is null or Memberships.Leave or Memberships.Ban)
        {
            throw MatrixError.Forbidden($"{targetId} is not in the room.");
        }

        await SendMembershipAsync(context, roomId, targetId, Memberships.Leave, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Bans a user, whether or not they are in the room (spec: POST /rooms/{roomId}/ban).</summary>
    public async Task BanAsync(RequestContext context, string roomId, string target, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var targetId = ParseUserId(target);
        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        await SendMembershipAsync(context, roomId, targetId, Memberships.Ban, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lifts a ban; the user's membership becomes leave (spec: POST /rooms/{roomId}/unban).</summary>
    public async Task UnbanAsync(RequestContext context, string roomId, string target, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var targetId = ParseUserId(target);
        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (await reader.GetMembershipAsync(roomId, targetId, cancellationToken).ConfigureAwait(false) != Memberships.Ban)
        {
            throw MatrixError.Forbidden($"{targetId} is not banned from the room.");
        }

        await SendMembershipAsync(context, roomId, targetId, Memberships.Leave, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Knocks on a room, by ID or local alias (spec: POST /knock/{roomIdOrAlias}, room versions 7+). The auth rules
    /// refuse knocks where the join rule does not allow them, and by users who are joined or banned.
    /// </summary>
    public async Task<string> KnockAsync(RequestContext context, string roomIdOrAlias, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var roomId = await aliases.ResolveRoomIdOrAliasAsync(roomIdOrAlias, cancellationToken).ConfigureAwait(false);
        var version = await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (!version.AllowKnocking)
        {
            throw MatrixError.Forbidden($"Room version {version.Id} does not support knocking.");
        }

        var content = await memberContent.BuildAsync(context.UserId, Memberships.Knock, reason, false, cancellationToken).ConfigureAwait(false);
        await pipeline.SendAsync(new EventDraft(roomId, EventTypes.Member, context.UserId, context.UserId, content), cancellationToken).ConfigureAwait(false);
        return roomId;
    }

    /// <summary>
    /// Forgets a room the user is no longer in (spec: POST /rooms/{roomId}/forget): it leaves their room lists and
    /// its history is no longer readable to them, until they join or are invited again. 400 M_UNKNOWN while the
    /// user is joined, invited or knocking; a room they never had a membership of has nothing to forget.
    /// </summary>
    public async Task ForgetAsync(RequestContext context, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        var member = await reader.Store.GetCurrentStateEventsAsync(roomId, [new StateKey(EventTypes.Member, context.UserId)], cancellationToken).ConfigureAwait(false);
        if (member.Values.FirstOrDefault() is not { } memberEvent)
        {
            return;
        }

        var membership = await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false);
        if (membership is Memberships.Join or Memberships.Invite or Memberships.Knock)
        {
            throw new MatrixError(400, "M_UNKNOWN", $"{context.UserId} is still in {roomId} ({membership}); leave it first.");
        }

        await memberships.ForgetRoomAsync(context.UserId, roomId, memberEvent.EventId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A membership change of <paramref name="target"/> by the requester, with just membership and reason.</summary>
    private async Task SendMembershipAsync(RequestContext context, string roomId, string target, string membership, string? reason, CancellationToken cancellationToken)
    {
        var content = await memberContent.BuildAsync(target, membership, reason, false, cancellationToken).ConfigureAwait(false);
        await pipeline.SendAsync(new EventDraft(roomId, EventTypes.Member, target, context.UserId, content), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether m.room.guest_access is can_join (spec: "Guest access"; absent means forbidden).</summary>
    private async Task<bool> AllowsGuestsAsync(string roomId, CancellationToken cancellationToken)
    {
        var guestAccess = await reader.GetCurrentStateEventAsync(roomId, EventTypes.GuestAccess, string.Empty, cancellationToken).ConfigureAwait(false);
        return guestAccess is not null && Protocol.Json.JsonNodeValues.GetString(guestAccess.Content, "guest_access") == "can_join";
    }

    /// <summary>400 M_INVALID_PARAM unless <paramref name="userId"/> is a valid user ID; returns it unchanged.</summary>
    private static string ParseUserId(string userId) =>
        UserId.TryParse(userId, out _) ? userId : throw MatrixError.InvalidParam($"{userId} is not a valid user ID.");

    /// <summary>
    /// The version of a room this server has; 400 M_INVALID_PARAM for a malformed room ID, 404 M_NOT_FOUND for a room
    /// this server does not have (rooms do not federate yet, so nothing else could be asked).
    /// </summary>
    public async Task<RoomVersion> RequireKnownRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out _))
        {
            throw MatrixError.InvalidParam($"{roomId} is not a valid room ID.");
        }

        return await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false)
            ?? throw MatrixError.NotFound("This server knows no such room.");
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
