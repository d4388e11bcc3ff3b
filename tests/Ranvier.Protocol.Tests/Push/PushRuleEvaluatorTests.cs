using System.Text.Json.Nodes;
using Ranvier.Protocol.Push;

namespace Ranvier.Protocol.Tests.Push;

/// <summary>
/// Evaluation of the server-default rules (spec v1.19, "Predefined Rules"): each fires for the events it is made for
/// and not for the others, in priority order.
/// </summary>
public sealed class PushRuleEvaluatorTests
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string Room = "!room:example.org";

    private static readonly PushRuleEvaluator Defaults = PushRuleEvaluator.Compile(DefaultPushRules.For(Alice));

    private static readonly PushRoomFacts Group = new(MemberCount: 5, SenderPowerLevel: 0, new Dictionary<string, long>());

    private static readonly PushRoomFacts OneToOne = Group with { MemberCount = 2 };

    private static JsonObject Event(string type, object? content = null, string sender = Bob, string? stateKey = null)
    {
        var ev = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["room_id"] = Room,
            ["content"] = content is null ? new JsonObject() : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(content)),
        };
        if (stateKey is not null)
        {
            ev["state_key"] = stateKey;
        }

        return ev;
    }

    private static JsonObject Message(string body, JsonObject? extra = null)
    {
        var ev = Event("m.room.message", new { msgtype = "m.text", body });
        foreach (var (name, value) in extra ?? [])
        {
            ev["content"]![name] = value?.DeepClone();
        }

        return ev;
    }

    private static string? Match(JsonObject ev, PushRoomFacts? room = null, PushRuleEvaluator? rules = null) =>
        (rules ?? Defaults).FindMatch(ev, room ?? Group, displayName: "Alice")?.RuleId;

    [Fact]
    public void A_plain_message_in_a_group_matches_message_and_notifies_without_highlight()
    {
        var rule = Defaults.FindMatch(Message("hello"), Group, "Alice")!;
        rule.RuleId.ShouldBe(DefaultPushRules.Message);
        PushActions.Notifies(rule.Actions).ShouldBeTrue();
        PushActions.Highlights(rule.Actions).ShouldBeFalse();
    }

    [Fact]
    public void One_push_event_serves_every_recipient_with_their_own_rules()
    {
        // The event's properties are read once and remembered; each user's match still depends on their own rules.
        var mentionsAlice = new JsonObject { ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(Alice) } };
        var shared = new PushEvent(Message("hi alice", mentionsAlice));
        var carolRules = PushRuleEvaluator.Compile(DefaultPushRules.For("@carol:example.org"));

        Defaults.FindMatch(shared, Group, "Alice")!.RuleId.ShouldBe(DefaultPushRules.IsUserMention);
        carolRules.FindMatch(shared, Group, "Carol")!.RuleId.ShouldBe(DefaultPushRules.Message);
        carolRules.FindMatch(shared, OneToOne, "Carol")!.RuleId.ShouldBe(DefaultPushRules.RoomOneToOne);
        Defaults.FindMatch(shared, Group, "Alice")!.RuleId.ShouldBe(DefaultPushRules.IsUserMention);
        shared.Body.ShouldBe("hi alice");
        shared.Sender.ShouldBe(Bob);
        shared.RoomId.ShouldBe(Room);
    }

    [Fact]
    public void A_body_that_is_not_a_string_matches_no_body_pattern()
    {
        var ev = Event("m.room.message", new { msgtype = "m.text", body = 42 });
        new PushEvent(ev).Body.ShouldBeNull();
        Match(ev).ShouldBe(DefaultPushRules.Message);
    }

    [Fact]
    public void One_to_one_rooms_use_the_one_to_one_rules()
    {
        Match(Message("hello"), OneToOne).ShouldBe(DefaultPushRules.RoomOneToOne);
        Match(Event("m.room.encrypted", new { algorithm = "m.megolm.v1.aes-sha2" }), OneToOne).ShouldBe(DefaultPushRules.EncryptedRoomOneToOne);
        Match(Event("m.room.encrypted", new { algorithm = "m.megolm.v1.aes-sha2" })).ShouldBe(DefaultPushRules.Encrypted);
    }

    [Fact]
    public void Notices_are_suppressed()
    {
        var notice = Event("m.room.message", new { msgtype = "m.notice", body = "beep" });
        Match(notice).ShouldBe(DefaultPushRules.SuppressNotices);
        PushActions.Notifies(Defaults.FindMatch(notice, Group, null)!.Actions).ShouldBeFalse();
    }

    [Fact]
    public void An_invite_for_the_user_notifies_but_other_member_events_do_not()
    {
        Match(Event("m.room.member", new { membership = "invite" }, stateKey: Alice)).ShouldBe(DefaultPushRules.InviteForMe);
        Match(Event("m.room.member", new { membership = "invite" }, stateKey: "@carol:example.org")).ShouldBe(DefaultPushRules.MemberEvent);
        Match(Event("m.room.member", new { membership = "join" }, stateKey: Alice)).ShouldBe(DefaultPushRules.MemberEvent);
    }

    [Fact]
    public void A_user_mention_highlights_only_the_mentioned_user()
    {
        var mention = Message("hi", new JsonObject { ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(Alice) } });
        var rule = Defaults.FindMatch(mention, Group, "Alice")!;
        rule.RuleId.ShouldBe(DefaultPushRules.IsUserMention);
        PushActions.Highlights(rule.Actions).ShouldBeTrue();

        var other = Message("hi", new JsonObject { ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray("@carol:example.org") } });
        Match(other).ShouldBe(DefaultPushRules.Message);

        // The body naming the user is no longer a mention (v1.17 removed the legacy body rules).
        Match(Message("hey Alice and @alice:example.org")).ShouldBe(DefaultPushRules.Message);
    }

    [Fact]
    public void A_room_mention_needs_the_senders_notification_power()
    {
        var mention = Message("@room look", new JsonObject { ["m.mentions"] = new JsonObject { ["room"] = true } });
        Match(mention, Group).ShouldBe(DefaultPushRules.Message);
        Match(mention, Group with { SenderPowerLevel = 50 }).ShouldBe(DefaultPushRules.IsRoomMention);
        Match(mention, Group with { SenderPowerLevel = 10, NotificationPowerLevels = new Dictionary<string, long> { ["room"] = 10 } })
            .ShouldBe(DefaultPushRules.IsRoomMention);

        // "room": "true" is a string, not the boolean the rule asks for.
        var stringy = Message("@room", new JsonObject { ["m.mentions"] = new JsonObject { ["room"] = "true" } });
        Match(stringy, Group with { SenderPowerLevel = 100 }).ShouldBe(DefaultPushRules.Message);
    }

    [Fact]
    public void Tombstones_highlight_but_only_as_state()
    {
        Match(Event("m.room.tombstone", new { body = "moved", replacement_room = "!new:example.org" }, stateKey: "")).ShouldBe(DefaultPushRules.Tombstone);
        Match(Event("m.room.tombstone", new { body = "moved" })).ShouldBeNull();
    }

    [Fact]
    public void Reactions_acls_and_edits_are_silent()
    {
        Match(Event("m.reaction", new { })).ShouldBe(DefaultPushRules.Reaction);
        Match(Event("m.room.server_acl", new { allow = new[] { "*" } }, stateKey: "")).ShouldBe(DefaultPushRules.RoomServerAcl);
        var edit = Message("* fixed", new JsonObject { ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.replace", ["event_id"] = "$x" } });
        Match(edit).ShouldBe(DefaultPushRules.SuppressEdits);
        var reply = Message("reply", new JsonObject { ["m.relates_to"] = new JsonObject { ["m.in_reply_to"] = new JsonObject { ["event_id"] = "$x" } } });
        Match(reply).ShouldBe(DefaultPushRules.Message);
    }

    [Fact]
    public void Calls_ring_and_unknown_event_types_match_nothing()
    {
        var rule = Defaults.FindMatch(Event("m.call.invite", new { call_id = "c" }), Group, null)!;
        rule.RuleId.ShouldBe(DefaultPushRules.Call);
        rule.Actions.ShouldContain(SetTweakAction.SoundOf("ring"));
        Match(Event("org.example.custom", new { })).ShouldBeNull();
    }

    [Fact]
    public void The_master_rule_when_enabled_silences_everything()
    {
        var saved = PushRuleSet.Empty.With(PushRuleKind.Override, [DefaultPushRules.For(Alice).Find(PushRuleKind.Override, DefaultPushRules.Master)! with { Enabled = true }]);
        var rules = PushRuleEvaluator.Compile(DefaultPushRules.Effective(Alice, saved));
        Match(Message("hello"), rules: rules).ShouldBe(DefaultPushRules.Master);
    }

    [Fact]
    public void User_rules_of_every_kind_apply_in_priority_order()
    {
        PushAction[] loud = [NotifyAction.Instance, SetTweakAction.HighlightOn()];
        var saved = PushRuleSet.Empty
            .With(PushRuleKind.Content, [new PushRule("cake", false, true, loud, Pattern: "cake*")])
            .With(PushRuleKind.Room, [new PushRule(Room, false, true, [])])
            .With(PushRuleKind.Sender, [new PushRule("@carol:example.org", false, true, loud)]);
        var rules = PushRuleEvaluator.Compile(DefaultPushRules.Effective(Alice, saved));

        Match(Message("cakes for all"), rules: rules).ShouldBe("cake");
        Match(Message("no sweets"), rules: rules).ShouldBe(Room);
        var elsewhere = Message("no sweets");
        elsewhere["room_id"] = "!other:example.org";
        Match(elsewhere, rules: rules).ShouldBe(DefaultPushRules.Message);
        var fromCarol = Message("no sweets");
        fromCarol["room_id"] = "!other:example.org";
        fromCarol["sender"] = "@carol:example.org";
        Match(fromCarol, rules: rules).ShouldBe("@carol:example.org");
    }

    [Fact]
    public void Disabled_rules_and_unknown_conditions_never_match()
    {
        var saved = PushRuleSet.Empty
            .With(PushRuleKind.Override, [new PushRule("odd", false, true, [NotifyAction.Instance], [new UnknownCondition(new JsonObject { ["kind"] = "org.example.future" })])])
            .With(PushRuleKind.Underride, [DefaultPushRules.For(Alice).Find(PushRuleKind.Underride, DefaultPushRules.Message)! with { Enabled = false }]);
        var rules = PushRuleEvaluator.Compile(DefaultPushRules.Effective(Alice, saved));
        Match(Message("hello"), rules: rules).ShouldBeNull();
    }

    [Fact]
    public void Display_name_and_member_count_conditions_evaluate()
    {
        var saved = PushRuleSet.Empty.With(PushRuleKind.Override,
        [
            new PushRule("name", false, true, [NotifyAction.Instance], [ContainsDisplayNameCondition.Instance]),
            new PushRule("big", false, true, [], [RoomMemberCountCondition.Parse(">=100")]),
        ]);
        var rules = PushRuleEvaluator.Compile(DefaultPushRules.Effective(Alice, saved));

        rules.FindMatch(Message("is alice here?"), Group, "Alice")!.RuleId.ShouldBe("name");
        rules.FindMatch(Message("is malice here?"), Group, "Alice")!.RuleId.ShouldBe(DefaultPushRules.Message);
        rules.FindMatch(Message("is alice here?"), Group, displayName: null)!.RuleId.ShouldBe(DefaultPushRules.Message);
        rules.FindMatch(Message("hello"), Group with { MemberCount = 100 }, "Alice")!.RuleId.ShouldBe("big");
    }

    [Fact]
    public void Property_conditions_compare_exactly_without_casts()
    {
        var saved = PushRuleSet.Empty.With(PushRuleKind.Override,
        [
            new PushRule("int", false, true, [NotifyAction.Instance], [new EventPropertyIsCondition("content.n", JsonValue.Create(1))]),
            new PushRule("null", false, true, [NotifyAction.Instance], [new EventPropertyIsCondition("content.z", null)]),
            new PushRule("tag", false, true, [NotifyAction.Instance], [new EventPropertyContainsCondition("content.tags", JsonValue.Create("x"))]),
        ]);
        var rules = PushRuleEvaluator.Compile(saved);

        Match(Event("t", new { n = 1 }), rules: rules).ShouldBe("int");
        Match(Event("t", new { n = "1" }), rules: rules).ShouldBeNull();
        Match(Event("t", new { n = true }), rules: rules).ShouldBeNull();
        Match(Event("t", new Dictionary<string, object?> { ["z"] = null }), rules: rules).ShouldBe("null");
        Match(Event("t", new { }), rules: rules).ShouldBeNull();
        Match(Event("t", new { tags = new object[] { "y", new { x = 1 }, "x" } }), rules: rules).ShouldBe("tag");
        Match(Event("t", new { tags = "x" }), rules: rules).ShouldBeNull();
    }
}
