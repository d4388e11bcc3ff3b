using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// The authorization rules of room versions 1–12 (spec: rooms/fragments/v1-auth-rules, v3-auth-rules,
/// v8-auth-rules and the rule lists on rooms/v6, v7, v10, v11, v12). Comments carry the spec's rule numbers for
/// the version family at hand; <see cref="AuthResult.Rule"/> carries the exact number for the room version.
/// <para>
/// Two entry points, matching the server-server API's "Checks performed on receipt of a PDU":
/// <see cref="CheckAuthEvents"/> is the rule about the event's own <c>auth_events</c> list (rule 2; rules 2–3 in
/// v12), which depends only on those events; <see cref="Check"/> is every other rule, evaluated against a given
/// state (the auth events, the state before the event, or the current state). State resolution calls
/// <see cref="Check"/> alone. <see cref="CheckWithAuthEvents"/> does both for step 4 of the receipt checks.
/// </para>
/// </summary>
public static partial class EventAuth
{
    /// <summary>
    /// Applies every rule except the <c>auth_events</c> rule to <paramref name="ev"/> against
    /// <paramref name="state"/>. The state must include the room's create event (in v12 too).
    /// </summary>
    public static AuthResult Check(RoomVersion version, Pdu ev, IAuthState state)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(state);

        var rules = AuthRuleNumbers.For(version);

        // 1. If type is m.room.create: the create rules decide.
        if (ev.Type == EventTypes.Create)
        {
            return CheckCreate(version, ev);
        }

        var create = state.Get(EventTypes.Create, "");
        if (create is null)
        {
            // 2.4 (v1–v11): no m.room.create among the auth events; 2 (v12): the room ID names no create event.
            return AuthResult.Reject(rules.MissingCreate, "there is no m.room.create event in the auth state");
        }

        // 3. (4. in v12) If the create event's content has m.federate false and the sender's domain differs
        // from the create event sender's domain, reject.
        if (create.Content[AuthKeys.Federate] is JsonValue federate
            && federate.TryGetValue(out bool mayFederate) && !mayFederate
            && IdentifierGrammar.Domain(ev.Sender) != IdentifierGrammar.Domain(create.Sender))
        {
            return AuthResult.Reject(rules.Federate, "the room is not federated and the sender is on another server");
        }

        // 4. (v1–v5) If type is m.room.aliases: allowed by the sender's server for its own state key.
        if (version.SpecialCaseAliasesAuth && ev.Type == EventTypes.Aliases)
        {
            return CheckAliases(ev, rules);
        }

        var levels = PowerLevels.TryFromState(version, state, out var levelsError);
        if (levels is null)
        {
            // Not a numbered rule: the rules cannot be evaluated when the power levels in force cannot be read
            // (possible before v10, where only users was validated). The reference implementation fails here too.
            var rule = ev.Type == EventTypes.Member ? rules.Member : rules.RequiredPower;
            return AuthResult.Reject(rule, "the power levels in force are unreadable: " + levelsError);
        }

        var context = new RuleContext(version, ev, state, rules, create, levels);

        // 5. (4. from v6, 5. in v12) If type is m.room.member: the membership rules decide.
        if (ev.Type == EventTypes.Member)
        {
            return CheckMember(context);
        }

        // 6. (5. from v6, 6. in v12) If the sender's current membership state is not join, reject.
        if (context.MembershipOf(ev.Sender) != Membership.Join)
        {
            return AuthResult.Reject(rules.SenderJoined, "the sender is not joined to the room");
        }

        // 7. (6./7.) If type is m.room.third_party_invite: allow iff the sender's level is at least the invite level.
        if (ev.Type == EventTypes.ThirdPartyInvite)
        {
            return levels.CanInvite(ev.Sender)
                ? AuthResult.Allow(rules.ThirdPartyInvite, "the sender has the invite level")
                : AuthResult.Reject(rules.ThirdPartyInvite, "the sender is below the invite level");
        }

        // 8. (7./8.) If the event type's required power level is greater than the sender's level, reject.
        if (!levels.CanSend(ev.Sender, ev.Type, ev.IsState))
        {
            return AuthResult.Reject(rules.RequiredPower, $"the sender's power level is below the level required for {ev.Type}");
        }

        // 9. (8./9.) If the state_key starts with @ and does not match the sender, reject.
        if (ev.StateKey is { } stateKey && stateKey.StartsWith('@') && stateKey != ev.Sender)
        {
            return AuthResult.Reject(rules.StateKeyIsSender, "a state key that is a user ID must be the sender's");
        }

        // 10. (9./10.) If type is m.room.power_levels: the power-level change rules decide.
        if (ev.Type == EventTypes.PowerLevels)
        {
            return CheckPowerLevels(context);
        }

        // 11. (v1–v2 only) If type is m.room.redaction: the redact level or the same origin decides.
        if (ev.Type == EventTypes.Redaction && version.EventFormat == EventFormat.V1)
        {
            return CheckRedactionV1(context);
        }

        // 12. (10./11.) Otherwise, allow.
        return AuthResult.Allow(rules.Otherwise, "no rule restricts this event");
    }

    /// <summary>
    /// The rule about the event's own <c>auth_events</c> (rule 2 in v1–v11; rules 2 and 3 in v12):
    /// no two for one (type, state_key), none outside <see cref="AuthEventSelection"/>, none rejected, a create
    /// event among them (v1–v11), all in the event's room. In v12 the room ID must also name an accepted create
    /// event, passed as <paramref name="roomCreateEvent"/> (ignored before v12).
    /// <paramref name="authEvents"/> are the events <c>ev.AuthEvents</c> names; <paramref name="isRejected"/>
    /// says whether one was itself rejected (null: none was). Create events pass trivially.
    /// </summary>
    public static AuthResult CheckAuthEvents(RoomVersion version, Pdu ev, IReadOnlyCollection<Pdu> authEvents,
        Func<Pdu, bool>? isRejected = null, Pdu? roomCreateEvent = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(ev);
        ArgumentNullException.ThrowIfNull(authEvents);

        var rules = AuthRuleNumbers.For(version);
        if (ev.Type == EventTypes.Create)
        {
            return AuthResult.Allow(rules.Create, "a create event has no auth events to check");
        }

        // 2. (v12) If the room_id is not the ID of an accepted m.room.create event with the sigil ! for $, reject.
        if (version.RoomIdFromCreateEvent
            && (roomCreateEvent is null
                || roomCreateEvent.Type != EventTypes.Create
                || !ev.RoomId.StartsWith('!')
                || roomCreateEvent.EventId != "$" + ev.RoomId[1..]
                || (isRejected?.Invoke(roomCreateEvent) ?? false)))
        {
            return AuthResult.Reject(rules.RoomIdIsCreateEvent, "the room ID does not name an accepted create event");
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ev.AuthEvents)
        {
            // 2.1 A repeated event ID is a duplicate entry too.
            if (!listed.Add(id))
            {
                return AuthResult.Reject(rules.AuthEvents + ".1", $"auth event {id} is listed twice");
            }
        }

        var expected = AuthEventSelection.Select(version, ev);
        var seen = new HashSet<(string Type, string StateKey)>();
        var hasCreate = false;
        foreach (var authEvent in authEvents)
        {
            if (authEvent.StateKey is not { } stateKey)
            {
                return AuthResult.Reject(rules.AuthEvents + ".2", $"auth event {authEvent.EventId} is not a state event");
            }

            var key = (authEvent.Type, stateKey);

            // 2.1 If there are duplicate entries for a given type and state_key pair, reject.
            if (!seen.Add(key))
            {
                return AuthResult.Reject(rules.AuthEvents + ".1", $"two auth events for ({authEvent.Type}, {stateKey})");
            }

            // 2.2 If there are entries whose type and state_key don't match the auth events selection, reject.
            if (!expected.Contains(key))
            {
                return AuthResult.Reject(rules.AuthEvents + ".2", $"auth event ({authEvent.Type}, {stateKey}) is not one this event may cite");
            }

            // 2.3 If there are entries which were themselves rejected, reject.
            if (isRejected?.Invoke(authEvent) ?? false)
            {
                return AuthResult.Reject(rules.AuthEvents + ".3", $"auth event {authEvent.EventId} was rejected");
            }

            // 2.5 If any auth event has a room_id which does not match the event's, reject.
            if (authEvent.RoomId != ev.RoomId)
            {
                return AuthResult.Reject(rules.AuthEvents + ".5", $"auth event {authEvent.EventId} is in another room");
            }

            hasCreate |= authEvent.Type == EventTypes.Create;
        }

        // 2.4 (v1–v11) If there is no m.room.create event among the entries, reject.
        if (!version.RoomIdFromCreateEvent && !hasCreate)
        {
            return AuthResult.Reject(rules.AuthEvents + ".4", "there is no m.room.create event among the auth events");
        }

        return AuthResult.Allow(rules.AuthEvents, "the auth events are well formed");
    }

    /// <summary>
    /// Step 4 of the receipt checks: <see cref="CheckAuthEvents"/>, then <see cref="Check"/> against the state
    /// the auth events form (plus, in v12, the room's create event).
    /// </summary>
    public static AuthResult CheckWithAuthEvents(RoomVersion version, Pdu ev, IReadOnlyCollection<Pdu> authEvents,
        Func<Pdu, bool>? isRejected = null, Pdu? roomCreateEvent = null)
    {
        var result = CheckAuthEvents(version, ev, authEvents, isRejected, roomCreateEvent);
        if (result.Rejected)
        {
            return result;
        }

        IEnumerable<Pdu> stateEvents = version.RoomIdFromCreateEvent && roomCreateEvent is not null
            ? authEvents.Prepend(roomCreateEvent)
            : authEvents;
        return Check(version, ev, AuthState.FromEvents(stateEvents));
    }

    // 1. If type is m.room.create.
    private static AuthResult CheckCreate(RoomVersion version, Pdu ev)
    {
        // 1.1 If it has any prev_events, reject.
        if (ev.PrevEvents.Count > 0)
        {
            return AuthResult.Reject("1.1", "a create event has no prev_events");
        }

        if (version.RoomIdFromCreateEvent)
        {
            // 1.2 (v12) If the event has a room_id, reject.
            if (ev.Json.ContainsKey("room_id"))
            {
                return AuthResult.Reject("1.2", "a v12 create event has no room_id");
            }
        }
        else if (IdentifierGrammar.Domain(ev.RoomId) is not { } roomDomain || roomDomain != IdentifierGrammar.Domain(ev.Sender))
        {
            // 1.2 If the domain of the room_id does not match the domain of the sender, reject.
            return AuthResult.Reject("1.2", "the room ID's domain is not the sender's");
        }

        // 1.3 If content.room_version is present and is not a recognised version, reject.
        if (ev.Content.TryGetPropertyValue("room_version", out var roomVersion)
            && (roomVersion is not JsonValue rv || !rv.TryGetValue(out string? id) || RoomVersions.Find(id) is null))
        {
            return AuthResult.Reject("1.3", "content.room_version is not a known room version");
        }

        // 1.4 (v1–v10) If content has no creator property, reject.
        if (!version.ImplicitRoomCreator && !ev.Content.ContainsKey("creator"))
        {
            return AuthResult.Reject("1.4", "content.creator is missing");
        }

        // 1.4 (v12) If additional_creators is present and not an array of valid user IDs, reject.
        if (version.PrivilegedCreators && ev.Content.TryGetPropertyValue("additional_creators", out var extra)
            && (extra is not JsonArray list || !list.All(item => item is JsonValue v && v.TryGetValue(out string? user) && UserId.TryParse(user, out _))))
        {
            return AuthResult.Reject("1.4", "content.additional_creators is not an array of user IDs");
        }

        // 1.5 (1.4 in v11) Otherwise, allow.
        return AuthResult.Allow(version.ImplicitRoomCreator && !version.PrivilegedCreators ? "1.4" : "1.5", "a well-formed create event");
    }

    // 4. (v1–v5) If type is m.room.aliases.
    private static AuthResult CheckAliases(Pdu ev, AuthRuleNumbers rules)
    {
        // 4.1 If the event has no state_key, reject.
        if (ev.StateKey is null)
        {
            return AuthResult.Reject(rules.Aliases + ".1", "m.room.aliases needs a state key");
        }

        // 4.2 If the sender's domain doesn't match the state_key, reject.
        if (IdentifierGrammar.Domain(ev.Sender) != ev.StateKey)
        {
            return AuthResult.Reject(rules.Aliases + ".2", "m.room.aliases state key must be the sender's server");
        }

        // 4.3 Otherwise, allow.
        return AuthResult.Allow(rules.Aliases + ".3", "a server's own aliases");
    }

    // 11. (v1–v2) If type is m.room.redaction.
    private static AuthResult CheckRedactionV1(RuleContext context)
    {
        var (ev, rules) = (context.Event, context.Rules);

        // 11.1 If the sender's power level is at least the redact level, allow.
        if (context.Levels.CanRedact(ev.Sender))
        {
            return AuthResult.Allow(rules.Redaction + ".1", "the sender has the redact level");
        }

        // 11.2 If the domain of the redacted event's ID is the redaction's event ID domain, allow.
        if (ev.Redacts is { } redacts && IdentifierGrammar.Domain(redacts) is { } domain && domain == IdentifierGrammar.Domain(ev.EventId))
        {
            return AuthResult.Allow(rules.Redaction + ".2", "the redaction comes from the redacted event's server");
        }

        // 11.3 Otherwise, reject.
        return AuthResult.Reject(rules.Redaction + ".3", "the sender may not redact this event");
    }

    /// <summary>What the rules after the create and aliases rules share.</summary>
    private sealed class RuleContext(RoomVersion version, Pdu ev, IAuthState state, AuthRuleNumbers rules, Pdu create, PowerLevels levels)
    {
        public RoomVersion Version { get; } = version;

        public Pdu Event { get; } = ev;

        public IAuthState State { get; } = state;

        public AuthRuleNumbers Rules { get; } = rules;

        public Pdu Create { get; } = create;

        public PowerLevels Levels { get; } = levels;

        /// <summary>A user's current membership, or null when they have no member event.</summary>
        public string? MembershipOf(string userId) =>
            State.Get(EventTypes.Member, userId) is { } member ? JsonNodeValues.GetString(member.Content, AuthKeys.Membership) : null;

        /// <summary>
        /// The join rule. A room without an m.room.join_rules event, or one without <c>join_rule</c>, is treated as
        /// invite-only (as the reference implementation does); a non-string value matches no rule.
        /// </summary>
        public string JoinRule
        {
            get
            {
                if (State.Get(EventTypes.JoinRules, "") is not { } joinRules
                    || !joinRules.Content.TryGetPropertyValue(AuthKeys.JoinRule, out var value))
                {
                    return Auth.JoinRule.Invite;
                }

                return JsonNodeValues.GetString(value) ?? "";
            }
        }
    }
}
