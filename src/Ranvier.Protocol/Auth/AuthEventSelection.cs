using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// Which state an event's <c>auth_events</c> must be drawn from (spec: server-server API, "Auth events
/// selection"). A creator uses it to fill <c>auth_events</c> from the current state (taking the pairs that
/// exist); the authorization rules use it to reject auth events outside this set.
/// </summary>
public static class AuthEventSelection
{
    /// <summary>
    /// The (type, state_key) pairs for an event about to be created, in a stable order: create (not in v12,
    /// where the room ID names it), power levels, the sender's member event, and for m.room.member the target's
    /// member event, join rules (join/invite/knock), the third-party invite named by the signed token, and the
    /// authorising user's member event of a restricted join (v8+). m.room.create has none.
    /// </summary>
    public static IReadOnlyList<(string Type, string StateKey)> Select(RoomVersion version, string type, string sender, string? stateKey, JsonObject content)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(content);

        if (type == EventTypes.Create)
        {
            return [];
        }

        var pairs = new List<(string Type, string StateKey)>(6);
        if (!version.RoomIdFromCreateEvent)
        {
            pairs.Add((EventTypes.Create, ""));
        }

        pairs.Add((EventTypes.PowerLevels, ""));
        pairs.Add((EventTypes.Member, sender));

        if (type != EventTypes.Member || stateKey is null)
        {
            return pairs;
        }

        AddOnce(pairs, (EventTypes.Member, stateKey));
        var membership = JsonNodeValues.GetString(content, AuthKeys.Membership);
        if (membership is Membership.Join or Membership.Invite or Membership.Knock)
        {
            pairs.Add((EventTypes.JoinRules, ""));
        }

        if (membership == Membership.Invite
            && content[AuthKeys.ThirdPartyInvite] is JsonObject thirdParty
            && thirdParty["signed"] is JsonObject signed
            && JsonNodeValues.GetString(signed, "token") is { } token)
        {
            pairs.Add((EventTypes.ThirdPartyInvite, token));
        }

        if (membership == Membership.Join
            && version.AllowRestrictedJoins
            && JsonNodeValues.GetString(content, AuthKeys.JoinAuthorisedVia) is { } authoriser)
        {
            AddOnce(pairs, (EventTypes.Member, authoriser));
        }

        return pairs;
    }

    /// <summary>The selection for an existing event (what its <c>auth_events</c> may contain).</summary>
    public static IReadOnlyList<(string Type, string StateKey)> Select(RoomVersion version, Pdu ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        return Select(version, ev.Type, ev.Sender, ev.StateKey, ev.Content);
    }

    private static void AddOnce(List<(string Type, string StateKey)> pairs, (string Type, string StateKey) pair)
    {
        if (!pairs.Contains(pair))
        {
            pairs.Add(pair);
        }
    }
}
