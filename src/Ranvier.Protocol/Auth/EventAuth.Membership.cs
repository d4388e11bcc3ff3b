using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Auth;

public static partial class EventAuth
{
    // 5. (4. from v6, 5. in v12) If type is m.room.member. Numbers below are the v8–v11 ones (4.x); the
    // result carries the number for the actual version.
    private static AuthResult CheckMember(RuleContext context)
    {
        var (ev, rules) = (context.Event, context.Rules);

        // 4.1 If there is no state_key property, or no membership property in content, reject.
        var membership = JsonNodeValues.GetString(ev.Content, AuthKeys.Membership);
        if (ev.StateKey is not { } target || membership is null)
        {
            return AuthResult.Reject(rules.Member + ".1", "a member event needs a state key and content.membership");
        }

        // 4.2 (v8+) If content has join_authorised_via_users_server, the event must be signed by that user's server.
        if (context.Version.AllowRestrictedJoins && ev.Content.ContainsKey(AuthKeys.JoinAuthorisedVia)
            && !IsSignedByAuthorisingServer(ev))
        {
            return AuthResult.Reject(rules.MemberJoinAuthorisedSignature, "the event is not signed by the authorising user's server");
        }

        return membership switch
        {
            Membership.Join => CheckJoin(context, target),
            Membership.Invite => CheckInvite(context, target),
            Membership.Leave => CheckLeave(context, target),
            Membership.Ban => CheckBan(context, target),
            Membership.Knock when context.Version.AllowKnocking => CheckKnock(context, target),
            // 4.8 Otherwise, the membership is unknown. Reject.
            _ => AuthResult.Reject(rules.MemberUnknown, $"unknown membership '{membership}'"),
        };
    }

    // 4.3 If membership is join.
    private static AuthResult CheckJoin(RuleContext context, string target)
    {
        var (ev, rules, version) = (context.Event, context.Rules, context.Version);
        var rule = rules.MemberJoin;

        // 4.3.1 If the only previous event is the m.room.create and the state_key is the creator, allow.
        // (The creator is content.creator before v11 and the create event's sender from v11.)
        if (ev.PrevEvents.Count == 1 && ev.PrevEvents[0] == context.Create.EventId && IsOriginalCreator(context, target))
        {
            return AuthResult.Allow(rule + ".1", "the creator's first join");
        }

        // 4.3.2 If the sender does not match state_key, reject.
        if (ev.Sender != target)
        {
            return AuthResult.Reject(rule + ".2", "a user can only join for themselves");
        }

        // 4.3.3 If the sender is banned, reject.
        var current = context.MembershipOf(target);
        if (current == Membership.Ban)
        {
            return AuthResult.Reject(rule + ".3", "the sender is banned");
        }

        var joinRule = context.JoinRule;
        var invitedOrJoined = current is Membership.Invite or Membership.Join;

        // 4.3.4 If the join_rule is invite (or, v7+, knock), allow if the membership is invite or join.
        if (joinRule == JoinRule.Invite || (joinRule == JoinRule.Knock && version.AllowKnocking))
        {
            return invitedOrJoined
                ? AuthResult.Allow(rule + ".4", "the sender was invited or is joined")
                : AuthResult.Reject(rules.JoinOtherwise, $"the room is {joinRule}-only and the sender was not invited");
        }

        // 4.3.5 (v8+) If the join_rule is restricted (or, v10+, knock_restricted):
        if ((joinRule == JoinRule.Restricted && version.AllowRestrictedJoins)
            || (joinRule == JoinRule.KnockRestricted && version.AllowKnockRestricted))
        {
            // 4.3.5.1 If membership is join or invite, allow.
            if (invitedOrJoined)
            {
                return AuthResult.Allow(rules.JoinRestricted + ".1", "the sender was invited or is joined");
            }

            // 4.3.5.2 If join_authorised_via_users_server is not a joined user able to invite, reject.
            var authoriser = JsonNodeValues.GetString(ev.Content, AuthKeys.JoinAuthorisedVia);
            if (authoriser is null || context.MembershipOf(authoriser) != Membership.Join || !context.Levels.CanInvite(authoriser))
            {
                return AuthResult.Reject(rules.JoinRestricted + ".2", "the join is not authorised by a joined member who may invite");
            }

            // 4.3.5.3 Otherwise, allow.
            return AuthResult.Allow(rules.JoinRestricted + ".3", "authorised by " + authoriser);
        }

        // 4.3.6 If the join_rule is public, allow.
        if (joinRule == JoinRule.Public)
        {
            return AuthResult.Allow(rules.JoinPublic, "the room is public");
        }

        // 4.3.7 Otherwise, reject.
        return AuthResult.Reject(rules.JoinOtherwise, $"join rule '{joinRule}' admits no join here");
    }

    // The "creator" of rule 4.3.1: content.creator (v1–v10) or the create event's sender (v11+). In v12 the
    // additional creators are creators for power, but the rule names the sender of the create event.
    private static bool IsOriginalCreator(RuleContext context, string target) =>
        context.Version.ImplicitRoomCreator
            ? target == context.Create.Sender
            : RoomCreators.FromCreateEvent(context.Version, context.Create).Contains(target);

    // 4.4 If membership is invite.
    private static AuthResult CheckInvite(RuleContext context, string target)
    {
        var (ev, rules) = (context.Event, context.Rules);
        var rule = rules.MemberInvite;

        // 4.4.1 If content has a third_party_invite property: the third-party invite rules decide.
        if (ev.Content.ContainsKey(AuthKeys.ThirdPartyInvite))
        {
            return CheckThirdPartyInvite(context, target, rule + ".1");
        }

        // 4.4.2 If the sender's current membership state is not join, reject.
        if (context.MembershipOf(ev.Sender) != Membership.Join)
        {
            return AuthResult.Reject(rule + ".2", "the sender is not joined");
        }

        // 4.4.3 If the target's current membership state is join or ban, reject.
        if (context.MembershipOf(target) is Membership.Join or Membership.Ban)
        {
            return AuthResult.Reject(rule + ".3", "the target is joined or banned");
        }

        // 4.4.4 If the sender's power level is at least the invite level, allow. 4.4.5 Otherwise, reject.
        return context.Levels.CanInvite(ev.Sender)
            ? AuthResult.Allow(rule + ".4", "the sender has the invite level")
            : AuthResult.Reject(rule + ".5", "the sender is below the invite level");
    }

    // 4.5 If membership is leave.
    private static AuthResult CheckLeave(RuleContext context, string target)
    {
        var (ev, rules, levels) = (context.Event, context.Rules, context.Levels);
        var rule = rules.MemberLeave;

        // 4.5.1 If the sender matches state_key, allow iff their membership is invite, join or (v7+) knock.
        if (ev.Sender == target)
        {
            var current = context.MembershipOf(target);
            return current is Membership.Invite or Membership.Join || (current == Membership.Knock && context.Version.AllowKnocking)
                ? AuthResult.Allow(rule + ".1", "leaving, or rejecting an invite")
                : AuthResult.Reject(rule + ".1", "the sender is not in the room, invited or knocking");
        }

        // 4.5.2 If the sender's current membership state is not join, reject.
        if (context.MembershipOf(ev.Sender) != Membership.Join)
        {
            return AuthResult.Reject(rule + ".2", "the sender is not joined");
        }

        // 4.5.3 If the target is banned and the sender's level is below the ban level, reject.
        if (context.MembershipOf(target) == Membership.Ban && levels.UserLevel(ev.Sender) < levels.Ban)
        {
            return AuthResult.Reject(rule + ".3", "unbanning needs the ban level");
        }

        // 4.5.4 If the sender has the kick level and outranks the target, allow. 4.5.5 Otherwise, reject.
        return levels.CanKick(ev.Sender, target)
            ? AuthResult.Allow(rule + ".4", "the sender may kick the target")
            : AuthResult.Reject(rule + ".5", "the sender needs the kick level and a higher level than the target");
    }

    // 4.6 If membership is ban.
    private static AuthResult CheckBan(RuleContext context, string target)
    {
        var (ev, rules) = (context.Event, context.Rules);
        var rule = rules.MemberBan;

        // 4.6.1 If the sender's current membership state is not join, reject.
        if (context.MembershipOf(ev.Sender) != Membership.Join)
        {
            return AuthResult.Reject(rule + ".1", "the sender is not joined");
        }

        // 4.6.2 If the sender has the ban level and outranks the target, allow. 4.6.3 Otherwise, reject.
        return context.Levels.CanBan(ev.Sender, target)
            ? AuthResult.Allow(rule + ".2", "the sender may ban the target")
            : AuthResult.Reject(rule + ".3", "the sender needs the ban level and a higher level than the target");
    }

    // 4.7 (v7+) If membership is knock.
    private static AuthResult CheckKnock(RuleContext context, string target)
    {
        var (ev, rules) = (context.Event, context.Rules);
        var rule = rules.MemberKnock;

        // 4.7.1 If the join_rule is anything other than knock (or, v10+, knock_restricted), reject.
        var joinRule = context.JoinRule;
        if (joinRule != JoinRule.Knock && !(joinRule == JoinRule.KnockRestricted && context.Version.AllowKnockRestricted))
        {
            return AuthResult.Reject(rule + ".1", $"join rule '{joinRule}' does not allow knocking");
        }

        // 4.7.2 If the sender does not match state_key, reject.
        if (ev.Sender != target)
        {
            return AuthResult.Reject(rule + ".2", "a user can only knock for themselves");
        }

        // 4.7.3 If the sender's membership is not ban, invite or join, allow. 4.7.4 Otherwise, reject.
        return context.MembershipOf(ev.Sender) is Membership.Ban or Membership.Invite or Membership.Join
            ? AuthResult.Reject(rule + ".4", "the sender is banned, invited or joined")
            : AuthResult.Allow(rule + ".3", "a knock");
    }

    // The signature check of rule 4.2 (v8+) as far as this layer can make it: the authorising user's server has
    // signed. Verifying that signature against the server's keys is the receipt checks' signature step (2), which
    // must include this server; a value that is not a user ID can never be satisfied.
    private static bool IsSignedByAuthorisingServer(Pdu ev)
    {
        var authoriser = JsonNodeValues.GetString(ev.Content, AuthKeys.JoinAuthorisedVia);
        if (!UserId.TryParse(authoriser, out _) || IdentifierGrammar.Domain(authoriser) is not { } server)
        {
            return false;
        }

        return ev.Json["signatures"] is JsonObject signatures && signatures[server] is JsonObject keys && keys.Count > 0;
    }
}
