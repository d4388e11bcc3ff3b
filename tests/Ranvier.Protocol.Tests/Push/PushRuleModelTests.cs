using System.Text.Json.Nodes;
using Ranvier.Protocol.Push;

namespace Ranvier.Protocol.Tests.Push;

public sealed class PushRuleModelTests
{
    private static JsonArray Array(string json) => JsonNode.Parse(json)!.AsArray();

    private static string RoundTrip(string conditionsJson) =>
        PushCondition.ToJsonArray(PushCondition.ParseList(Array(conditionsJson))).ToJsonString();

    [Fact]
    public void Known_conditions_parse_to_their_types()
    {
        var conditions = PushCondition.ParseList(Array("""
            [{"kind":"event_match","key":"content.body","pattern":"cake*"},
             {"kind":"event_property_is","key":"content.m\\.federate","value":false},
             {"kind":"event_property_contains","key":"content.alt_aliases","value":"#a:b"},
             {"kind":"contains_display_name"},
             {"kind":"room_member_count","is":"<=10"},
             {"kind":"sender_notification_permission","key":"room"}]
            """));

        conditions[0].ShouldBe(new EventMatchCondition("content.body", "cake*"));
        conditions[1].ShouldBe(new EventPropertyIsCondition(@"content.m\.federate", false));
        conditions[2].ShouldBe(new EventPropertyContainsCondition("content.alt_aliases", "#a:b"));
        conditions[3].ShouldBe(ContainsDisplayNameCondition.Instance);
        conditions[4].ShouldBe(new RoomMemberCountCondition("<=10", MemberCountComparison.LessOrEqual, 10));
        conditions[5].ShouldBe(new SenderNotificationPermissionCondition("room"));
    }

    [Fact]
    public void Unknown_conditions_are_kept_as_given()
    {
        const string Json = """[{"kind":"org.example.weather","sky":"blue","n":[1,2]}]""";

        var condition = PushCondition.ParseList(Array(Json)).ShouldHaveSingleItem().ShouldBeOfType<UnknownCondition>();

        condition.Kind.ShouldBe("org.example.weather");
        RoundTrip(Json).ShouldBe(Json);
    }

    [Fact]
    public void A_null_value_is_a_value_but_a_missing_one_is_refused()
    {
        RoundTrip("""[{"kind":"event_property_is","key":"content.x","value":null}]""").ShouldBe("""[{"kind":"event_property_is","key":"content.x","value":null}]""");
        Should.Throw<PushRuleFormatException>(() => PushCondition.ParseList(Array("""[{"kind":"event_property_is","key":"content.x"}]""")));
    }

    [Theory]
    [InlineData("""[{"kind":"event_match","key":"type"}]""")]
    [InlineData("""[{"kind":"event_match","key":5,"pattern":"x"}]""")]
    [InlineData("""[{"kind":"event_property_is","key":"k","value":{"a":1}}]""")]
    [InlineData("""[{"kind":"event_property_contains","key":"k","value":[1]}]""")]
    [InlineData("""[{"kind":"event_property_is","key":"k","value":1.5}]""")]
    [InlineData("""[{"kind":"event_property_is","key":"k","value":9007199254740992}]""")]
    [InlineData("""[{"kind":"room_member_count","is":"=2"}]""")]
    [InlineData("""[{"kind":"room_member_count","is":"two"}]""")]
    [InlineData("""[{"kind":"room_member_count"}]""")]
    [InlineData("""[{"kind":"sender_notification_permission"}]""")]
    [InlineData("""[{"key":"type","pattern":"x"}]""")]
    [InlineData("""["event_match"]""")]
    public void Malformed_conditions_are_refused(string json)
    {
        Should.Throw<PushRuleFormatException>(() => PushCondition.ParseList(Array(json)));
    }

    [Theory]
    [InlineData("2", 2, true)]
    [InlineData("==2", 3, false)]
    [InlineData("<3", 2, true)]
    [InlineData("<3", 3, false)]
    [InlineData(">3", 4, true)]
    [InlineData(">=3", 3, true)]
    [InlineData("<=10", 11, false)]
    public void Room_member_count_compares_as_its_prefix_says(string isParameter, long members, bool matches)
    {
        RoomMemberCountCondition.Parse(isParameter).Matches(members).ShouldBe(matches);
    }

    [Fact]
    public void Actions_parse_and_unknown_ones_are_kept_while_historical_ones_are_dropped()
    {
        var actions = PushAction.ParseList(Array("""
            ["notify","dont_notify","coalesce",{"set_tweak":"sound","value":"bing"},{"set_tweak":"highlight"},"org.example.flash",{"org.example.led":"red"}]
            """));

        actions.Count.ShouldBe(5);
        actions[0].ShouldBe(NotifyAction.Instance);
        actions[1].ShouldBe(SetTweakAction.SoundOf("bing"));
        actions[2].ShouldBe(SetTweakAction.HighlightOn());
        PushAction.ToJsonArray(actions).ToJsonString()
            .ShouldBe("""["notify",{"set_tweak":"sound","value":"bing"},{"set_tweak":"highlight"},"org.example.flash",{"org.example.led":"red"}]""");
    }

    [Theory]
    [InlineData("""[1]""")]
    [InlineData("""[null]""")]
    [InlineData("""[["notify"]]""")]
    [InlineData("""[{"set_tweak":true}]""")]
    public void Malformed_actions_are_refused(string json)
    {
        Should.Throw<PushRuleFormatException>(() => PushAction.ParseList(Array(json)));
    }

    [Fact]
    public void A_ruleset_round_trips_through_json()
    {
        var set = DefaultPushRules.For("@alice:example.org")
            .With(PushRuleKind.Content, [new PushRule("cake", false, true, [NotifyAction.Instance], Pattern: "cake*lie")])
            .With(PushRuleKind.Room, [new PushRule("!r:example.org", false, false, [])]);

        var json = set.ToJson();
        var again = PushRuleSet.Parse(JsonNode.Parse(json.ToJsonString())!.AsObject());

        JsonNode.DeepEquals(again.ToJson(), json).ShouldBeTrue();
        json["content"]![0]!["pattern"]!.GetValue<string>().ShouldBe("cake*lie");
        json["room"]![0]!.AsObject().ContainsKey("conditions").ShouldBeFalse();
    }

    [Fact]
    public void Evaluation_order_is_override_content_room_sender_underride()
    {
        var rule = new PushRule("x", false, true, []);
        var set = PushRuleSet.Empty
            .With(PushRuleKind.Underride, [rule with { RuleId = "u", Conditions = [] }])
            .With(PushRuleKind.Sender, [rule with { RuleId = "@s:x" }])
            .With(PushRuleKind.Room, [rule with { RuleId = "!r:x" }])
            .With(PushRuleKind.Content, [rule with { RuleId = "c", Pattern = "p" }])
            .With(PushRuleKind.Override, [rule with { RuleId = "o", Conditions = [] }]);

        set.InPriorityOrder().Select(e => e.Rule.RuleId).ShouldBe(["o", "c", "!r:x", "@s:x", "u"]);
    }
}
