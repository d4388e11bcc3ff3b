using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Joins of rooms whose join rule is <c>restricted</c> (v8+) or <c>knock_restricted</c> (v10+) (spec: client-server
/// API, "Restricted rooms"): a user who is joined to one of the rooms in the join rule's <c>allow</c> list may join,
/// and the join event names a joined local user with invite power in <c>join_authorised_via_users_server</c>, which
/// the authorization rules check (v8+ rule "join .5").
/// </summary>
public sealed class RestrictedJoins(RanvierOptions options, RoomEventReader reader)
{
    /// <summary>The <c>type</c> of an allow-list entry that admits the members of another room.</summary>
    public const string RoomMembershipCondition = "m.room_membership";

    /// <summary>The member-content key naming the user who authorised a restricted join (spec: m.room.member).</summary>
    public const string AuthorisedViaKey = "join_authorised_via_users_server";

    /// <summary>
    /// The user to name in <c>join_authorised_via_users_server</c>, or null when the join needs none (the room is
    /// not restricted, or the user is invited or joined already, or a knock_restricted room's allow list does not
    /// admit them, in which case the auth rules decide). 403 M_FORBIDDEN for a restricted room whose allow list
    /// does not admit the user, or in which no local user could authorise the join.
    /// </summary>
    public async Task<string?> FindAuthoriserAsync(string roomId, RoomVersion version, string userId, string? membership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!version.AllowRestrictedJoins || membership is Memberships.Join or Memberships.Invite)
        {
            return null;
        }

        var state = await reader.GetCurrentStateAsync(
            roomId, version, [new StateKey(EventTypes.Create, string.Empty), new StateKey(EventTypes.PowerLevels, string.Empty), new StateKey(EventTypes.JoinRules, string.Empty)],
            cancellationToken).ConfigureAwait(false);
        var joinRules = state.GetValueOrDefault((EventTypes.JoinRules, string.Empty))?.Content;
        var rule = joinRules is null ? null : JsonNodeValues.GetString(joinRules, "join_rule");
        var knockRestricted = rule == "knock_restricted" && version.AllowKnockRestricted;
        if (rule != "restricted" && !knockRestricted)
        {
            return null;
        }

        if (!await IsAdmittedByAllowListAsync(joinRules!, userId, cancellationToken).ConfigureAwait(false))
        {
            return knockRestricted ? null : throw MatrixError.Forbidden("You are not a member of any room whose members may join this room.");
        }

        var levels = PowerLevels.FromState(version, new AuthState(state));
        var members = await reader.Store.GetCurrentStateEventsOfTypeAsync(roomId, EventTypes.Member, cancellationToken).ConfigureAwait(false);
        var localSuffix = ":" + options.ServerName;
        var authoriser = members
            .Where(m => m.StateKey is { } key && key.EndsWith(localSuffix, StringComparison.Ordinal)
                && JsonNodeValues.GetString(RoomEventReader.ToPdu(m, version).Content, "membership") == Memberships.Join
                && levels.CanInvite(key))
            .Select(m => m.StateKey!)
            .OrderByDescending(levels.UserLevel)
            .ThenBy(u => u, StringComparer.Ordinal)
            .FirstOrDefault();
        return authoriser ?? throw MatrixError.Forbidden("No user of this server in the room may authorise your join.");
    }

    /// <summary>True when the user is joined to a room named by an <c>m.room_membership</c> entry of the allow list.</summary>
    private async Task<bool> IsAdmittedByAllowListAsync(JsonObject joinRules, string userId, CancellationToken cancellationToken)
    {
        if (joinRules["allow"] is not JsonArray allow)
        {
            return false;
        }

        foreach (var entry in allow.OfType<JsonObject>())
        {
            if (JsonNodeValues.GetString(entry, "type") == RoomMembershipCondition
                && JsonNodeValues.GetString(entry, "room_id") is { } allowedRoom
                && await reader.GetMembershipAsync(allowedRoom, userId, cancellationToken).ConfigureAwait(false) == Memberships.Join)
            {
                return true;
            }
        }

        return false;
    }
}
