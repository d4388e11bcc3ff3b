namespace Ranvier.Protocol.Push;

/// <summary>
/// The server-default rules of spec v1.19 (client-server API, "Predefined Rules"), built for one user, and the
/// effective ruleset a user's saved rules make of them. v1.17 removed the legacy rules that matched mentions in
/// <c>content.body</c> (<c>.m.rule.contains_display_name</c>, <c>.m.rule.contains_user_name</c>,
/// <c>.m.rule.roomnotif</c>), so there are no default content rules; <c>m.mentions</c> rules replace them.
/// </summary>
public static class DefaultPushRules
{
    public const string Master = ".m.rule.master";
    public const string SuppressNotices = ".m.rule.suppress_notices";
    public const string InviteForMe = ".m.rule.invite_for_me";
    public const string MemberEvent = ".m.rule.member_event";
    public const string IsUserMention = ".m.rule.is_user_mention";
    public const string IsRoomMention = ".m.rule.is_room_mention";
    public const string Tombstone = ".m.rule.tombstone";
    public const string Reaction = ".m.rule.reaction";
    public const string RoomServerAcl = ".m.rule.room.server_acl";
    public const string SuppressEdits = ".m.rule.suppress_edits";
    public const string Call = ".m.rule.call";
    public const string EncryptedRoomOneToOne = ".m.rule.encrypted_room_one_to_one";
    public const string RoomOneToOne = ".m.rule.room_one_to_one";
    public const string Message = ".m.rule.message";
    public const string Encrypted = ".m.rule.encrypted";

    /// <summary>The server-default rules for <paramref name="userId"/> (a full user ID), in the spec's order.</summary>
    public static PushRuleSet For(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        PushAction[] notifyWithSound = [NotifyAction.Instance, SetTweakAction.SoundOf("default")];
        PushAction[] notifyAndHighlight = [NotifyAction.Instance, SetTweakAction.HighlightOn()];
        PushAction[] nothing = [];

        // "Default Override Rules", in the order the spec lists them.
        PushRule[] overrides =
        [
            Rule(Master, nothing, enabled: false),
            Rule(SuppressNotices, nothing, Match("content.msgtype", "m.notice")),
            Rule(InviteForMe, notifyWithSound, Match("type", "m.room.member"), Match("content.membership", "invite"), Match("state_key", userId)),
            Rule(MemberEvent, nothing, Match("type", "m.room.member")),
            Rule(IsUserMention, [.. notifyWithSound, SetTweakAction.HighlightOn()], new EventPropertyContainsCondition(@"content.m\.mentions.user_ids", userId)),
            Rule(IsRoomMention, notifyAndHighlight, new EventPropertyIsCondition(@"content.m\.mentions.room", true), new SenderNotificationPermissionCondition("room")),
            Rule(Tombstone, notifyAndHighlight, Match("type", "m.room.tombstone"), Match("state_key", string.Empty)),
            Rule(Reaction, nothing, Match("type", "m.reaction")),
            Rule(RoomServerAcl, nothing, Match("type", "m.room.server_acl"), Match("state_key", string.Empty)),
            Rule(SuppressEdits, nothing, new EventPropertyIsCondition(@"content.m\.relates_to.rel_type", "m.replace")),
        ];

        // "Default Underride Rules".
        PushRule[] underrides =
        [
            Rule(Call, [NotifyAction.Instance, SetTweakAction.SoundOf("ring")], Match("type", "m.call.invite")),
            Rule(EncryptedRoomOneToOne, notifyWithSound, RoomMemberCountCondition.Parse("2"), Match("type", "m.room.encrypted")),
            Rule(RoomOneToOne, notifyWithSound, RoomMemberCountCondition.Parse("2"), Match("type", "m.room.message")),
            Rule(Message, [NotifyAction.Instance], Match("type", "m.room.message")),
            Rule(Encrypted, [NotifyAction.Instance], Match("type", "m.room.encrypted")),
        ];

        return PushRuleSet.Empty.With(PushRuleKind.Override, overrides).With(PushRuleKind.Underride, underrides);
    }

    /// <summary>
    /// The rules in force for <paramref name="userId"/>: the server-default rules (with the enabled flag and actions
    /// the user chose for them in <paramref name="saved"/>) and the user's own rules from <paramref name="saved"/> in
    /// their saved order. User rules rank above the defaults of their kind, except <c>.m.rule.master</c>, which
    /// "has always a higher priority than any other rule". Saved default rules the server no longer defines drop out.
    /// </summary>
    public static PushRuleSet Effective(string userId, PushRuleSet? saved)
    {
        var defaults = For(userId);
        if (saved is null)
        {
            return defaults;
        }

        var effective = defaults;
        foreach (var kind in PushRuleKinds.InPriorityOrder)
        {
            var own = saved[kind].Where(rule => !PushRule.IsServerDefaultId(rule.RuleId)).Select(rule => rule with { Default = false });
            var serverRules = defaults[kind].Select(rule => saved.Find(kind, rule.RuleId) is { } choice
                ? rule with { Enabled = choice.Enabled, Actions = choice.Actions }
                : rule).ToList();
            var above = serverRules.TakeWhile(rule => rule.RuleId == Master);
            var below = serverRules.SkipWhile(rule => rule.RuleId == Master);
            effective = effective.With(kind, [.. above, .. own, .. below]);
        }

        return effective;
    }

    private static PushRule Rule(string ruleId, PushAction[] actions, params PushCondition[] conditions) =>
        new(ruleId, Default: true, Enabled: true, actions, conditions);

    private static PushRule Rule(string ruleId, PushAction[] actions, bool enabled) =>
        new(ruleId, Default: true, enabled, actions, []);

    private static EventMatchCondition Match(string key, string pattern) => new(key, pattern);
}
