using System.Text.Json.Nodes;
using Ranvier.Protocol.Push;

namespace Ranvier.Protocol.Tests.Push;

/// <summary>The server-default rules against the definitions of spec v1.19, "Predefined Rules".</summary>
public sealed class DefaultPushRulesTests
{
    private const string Alice = "@alice:example.org";

    // The spec's definitions, in the order it lists them, with "[the user's Matrix ID]" filled in.
    private static readonly string[] SpecOverrides =
    [
        """{"rule_id":".m.rule.master","default":true,"enabled":false,"conditions":[],"actions":[]}""",
        """{"rule_id":".m.rule.suppress_notices","default":true,"enabled":true,"conditions":[{"kind":"event_match","key":"content.msgtype","pattern":"m.notice"}],"actions":[]}""",
        """{"rule_id":".m.rule.invite_for_me","default":true,"enabled":true,"conditions":[{"key":"type","kind":"event_match","pattern":"m.room.member"},{"key":"content.membership","kind":"event_match","pattern":"invite"},{"key":"state_key","kind":"event_match","pattern":"@alice:example.org"}],"actions":["notify",{"set_tweak":"sound","value":"default"}]}""",
        """{"rule_id":".m.rule.member_event","default":true,"enabled":true,"conditions":[{"key":"type","kind":"event_match","pattern":"m.room.member"}],"actions":[]}""",
        """{"rule_id":".m.rule.is_user_mention","default":true,"enabled":true,"conditions":[{"kind":"event_property_contains","key":"content.m\\.mentions.user_ids","value":"@alice:example.org"}],"actions":["notify",{"set_tweak":"sound","value":"default"},{"set_tweak":"highlight"}]}""",
        """{"rule_id":".m.rule.is_room_mention","default":true,"enabled":true,"conditions":[{"kind":"event_property_is","key":"content.m\\.mentions.room","value":true},{"kind":"sender_notification_permission","key":"room"}],"actions":["notify",{"set_tweak":"highlight"}]}""",
        """{"rule_id":".m.rule.tombstone","default":true,"enabled":true,"conditions":[{"kind":"event_match","key":"type","pattern":"m.room.tombstone"},{"kind":"event_match","key":"state_key","pattern":""}],"actions":["notify",{"set_tweak":"highlight"}]}""",
        """{"rule_id":".m.rule.reaction","default":true,"enabled":true,"conditions":[{"kind":"event_match","key":"type","pattern":"m.reaction"}],"actions":[]}""",
        """{"rule_id":".m.rule.room.server_acl","default":true,"enabled":true,"conditions":[{"kind":"event_match","key":"type","pattern":"m.room.server_acl"},{"kind":"event_match","key":"state_key","pattern":""}],"actions":[]}""",
        """{"rule_id":".m.rule.suppress_edits","default":true,"enabled":true,"conditions":[{"kind":"event_property_is","key":"content.m\\.relates_to.rel_type","value":"m.replace"}],"actions":[]}""",
    ];

    private static readonly string[] SpecUnderrides =
    [
        """{"rule_id":".m.rule.call","default":true,"enabled":true,"conditions":[{"key":"type","kind":"event_match","pattern":"m.call.invite"}],"actions":["notify",{"set_tweak":"sound","value":"ring"}]}""",
        """{"rule_id":".m.rule.encrypted_room_one_to_one","default":true,"enabled":true,"conditions":[{"kind":"room_member_count","is":"2"},{"kind":"event_match","key":"type","pattern":"m.room.encrypted"}],"actions":["notify",{"set_tweak":"sound","value":"default"}]}""",
        """{"rule_id":".m.rule.room_one_to_one","default":true,"enabled":true,"conditions":[{"kind":"room_member_count","is":"2"},{"kind":"event_match","key":"type","pattern":"m.room.message"}],"actions":["notify",{"set_tweak":"sound","value":"default"}]}""",
        """{"rule_id":".m.rule.message","default":true,"enabled":true,"conditions":[{"kind":"event_match","key":"type","pattern":"m.room.message"}],"actions":["notify"]}""",
        """{"rule_id":".m.rule.encrypted","default":true,"enabled":true,"conditions":[{"kind":"event_match","key":"type","pattern":"m.room.encrypted"}],"actions":["notify"]}""",
    ];

    public static TheoryData<string, int> OverrideRules() => Indexed(SpecOverrides);

    public static TheoryData<string, int> UnderrideRules() => Indexed(SpecUnderrides);

    [Theory]
    [MemberData(nameof(OverrideRules))]
    public void Each_default_override_rule_is_the_specs_definition_at_its_place(string definition, int index) =>
        AssertRule(PushRuleKind.Override, definition, index);

    [Theory]
    [MemberData(nameof(UnderrideRules))]
    public void Each_default_underride_rule_is_the_specs_definition_at_its_place(string definition, int index) =>
        AssertRule(PushRuleKind.Underride, definition, index);

    [Fact]
    public void The_defaults_hold_exactly_the_specs_rules_and_no_content_room_or_sender_rules()
    {
        var rules = DefaultPushRules.For(Alice);

        rules[PushRuleKind.Override].Count.ShouldBe(SpecOverrides.Length);
        rules[PushRuleKind.Underride].Count.ShouldBe(SpecUnderrides.Length);
        rules[PushRuleKind.Content].ShouldBeEmpty();
        rules[PushRuleKind.Room].ShouldBeEmpty();
        rules[PushRuleKind.Sender].ShouldBeEmpty();
    }

    [Theory]
    [InlineData(".m.rule.contains_display_name")]
    [InlineData(".m.rule.contains_user_name")]
    [InlineData(".m.rule.roomnotif")]
    public void The_legacy_body_mention_rules_removed_in_v1_17_are_absent(string ruleId)
    {
        DefaultPushRules.For(Alice).InPriorityOrder().ShouldNotContain(entry => entry.Rule.RuleId == ruleId);
    }

    [Fact]
    public void Rules_that_name_the_user_name_the_user_they_are_built_for()
    {
        var bob = DefaultPushRules.For("@bob:example.org");

        bob.Find(PushRuleKind.Override, DefaultPushRules.InviteForMe)!.Conditions!.ShouldContain(new EventMatchCondition("state_key", "@bob:example.org"));
        bob.Find(PushRuleKind.Override, DefaultPushRules.IsUserMention)!.Conditions!.Single().ToJson()["value"]!.GetValue<string>().ShouldBe("@bob:example.org");
    }

    private static void AssertRule(PushRuleKind kind, string definition, int index)
    {
        var expected = JsonNode.Parse(definition)!.AsObject();
        var actual = DefaultPushRules.For(Alice)[kind][index].ToJson();

        JsonNode.DeepEquals(actual, expected).ShouldBeTrue($"expected {expected.ToJsonString()}\n but got {actual.ToJsonString()}");
    }

    private static TheoryData<string, int> Indexed(string[] definitions)
    {
        var data = new TheoryData<string, int>();
        for (var i = 0; i < definitions.Length; i++)
        {
            data.Add(definitions[i], i);
        }

        return data;
    }
}
