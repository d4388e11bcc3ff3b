using Ranvier.Protocol.Push;

namespace Ranvier.Protocol.Tests.Push;

/// <summary>How saved rules combine with the server defaults (spec: "Predefined Rules", priorities).</summary>
public sealed class EffectivePushRulesTests
{
    private const string Alice = "@alice:example.org";

    private static PushRule Own(string id) => new(id, Default: false, Enabled: true, [NotifyAction.Instance], []);

    [Fact]
    public void Nothing_saved_means_the_defaults()
    {
        DefaultPushRules.Effective(Alice, null).ToJson().ToJsonString().ShouldBe(DefaultPushRules.For(Alice).ToJson().ToJsonString());
    }

    [Fact]
    public void User_overrides_rank_below_master_and_above_every_other_default()
    {
        var saved = PushRuleSet.Empty.With(PushRuleKind.Override, [Own("mine"), Own("also-mine")]);

        var ids = DefaultPushRules.Effective(Alice, saved)[PushRuleKind.Override].Select(r => r.RuleId).ToList();

        ids.Take(4).ShouldBe([DefaultPushRules.Master, "mine", "also-mine", DefaultPushRules.SuppressNotices]);
    }

    [Fact]
    public void User_underrides_rank_above_the_default_underrides()
    {
        var saved = PushRuleSet.Empty.With(PushRuleKind.Underride, [Own("mine")]);

        DefaultPushRules.Effective(Alice, saved)[PushRuleKind.Underride][0].RuleId.ShouldBe("mine");
    }

    [Fact]
    public void Saved_enabled_flags_and_actions_of_default_rules_apply_but_their_conditions_stay_the_servers()
    {
        var defaults = DefaultPushRules.For(Alice);
        var master = defaults.Find(PushRuleKind.Override, DefaultPushRules.Master)! with { Enabled = true };
        var message = defaults.Find(PushRuleKind.Underride, DefaultPushRules.Message)! with { Actions = [], Conditions = [] };
        var saved = defaults.With(PushRuleKind.Override, [master]).With(PushRuleKind.Underride, [message]);

        var effective = DefaultPushRules.Effective(Alice, saved);

        effective.Find(PushRuleKind.Override, DefaultPushRules.Master)!.Enabled.ShouldBeTrue();
        var effectiveMessage = effective.Find(PushRuleKind.Underride, DefaultPushRules.Message)!;
        effectiveMessage.Actions.ShouldBeEmpty();
        effectiveMessage.Conditions!.ShouldHaveSingleItem().ShouldBe(new EventMatchCondition("type", "m.room.message"));
        effective[PushRuleKind.Override].Count.ShouldBe(defaults[PushRuleKind.Override].Count);
    }

    [Fact]
    public void Saved_default_rules_the_server_no_longer_defines_drop_out_and_user_rules_are_never_default()
    {
        var saved = PushRuleSet.Empty.With(PushRuleKind.Content,
        [
            new PushRule(".m.rule.contains_user_name", Default: true, Enabled: true, [NotifyAction.Instance], Pattern: "alice"),
            new PushRule("cake", Default: true, Enabled: true, [NotifyAction.Instance], Pattern: "cake"),
        ]);

        var content = DefaultPushRules.Effective(Alice, saved)[PushRuleKind.Content];

        content.ShouldHaveSingleItem().RuleId.ShouldBe("cake");
        content[0].Default.ShouldBeFalse();
    }
}
