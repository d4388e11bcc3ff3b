using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Ranvier.Protocol.Push;

/// <summary>
/// A user's <c>global</c> ruleset (spec: push_ruleset.yaml): the ordered rules of each kind, highest priority first.
/// Immutable; edits return a new set. This is the form evaluation reads and <c>m.push_rules</c> carries.
/// </summary>
public sealed class PushRuleSet
{
    private readonly ImmutableArray<ImmutableArray<PushRule>> _rules;

    private PushRuleSet(ImmutableArray<ImmutableArray<PushRule>> rules) => _rules = rules;

    /// <summary>A ruleset with no rules of any kind.</summary>
    public static PushRuleSet Empty { get; } =
        new([.. PushRuleKinds.InPriorityOrder.Select(_ => ImmutableArray<PushRule>.Empty)]);

    /// <summary>The rules of <paramref name="kind"/>, highest priority first.</summary>
    public IReadOnlyList<PushRule> this[PushRuleKind kind] => _rules[(int)kind];

    /// <summary>Every rule with its kind, in the order evaluation checks them.</summary>
    public IEnumerable<(PushRuleKind Kind, PushRule Rule)> InPriorityOrder() =>
        PushRuleKinds.InPriorityOrder.SelectMany(kind => _rules[(int)kind].Select(rule => (kind, rule)));

    /// <summary>The set with the rules of <paramref name="kind"/> replaced by <paramref name="rules"/>.</summary>
    public PushRuleSet With(PushRuleKind kind, IEnumerable<PushRule> rules) =>
        new(_rules.SetItem((int)kind, [.. rules]));

    /// <summary>The rule <paramref name="ruleId"/> of <paramref name="kind"/>, or null.</summary>
    public PushRule? Find(PushRuleKind kind, string ruleId) =>
        _rules[(int)kind].FirstOrDefault(rule => string.Equals(rule.RuleId, ruleId, StringComparison.Ordinal));

    /// <summary>The ruleset object: one array per kind.</summary>
    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        foreach (var kind in PushRuleKinds.InPriorityOrder)
        {
            obj[kind.Name()] = new JsonArray([.. _rules[(int)kind].Select(rule => (JsonNode)rule.ToJson())]);
        }

        return obj;
    }

    /// <summary>Reads a ruleset object; a missing kind has no rules.</summary>
    public static PushRuleSet Parse(JsonObject ruleset)
    {
        ArgumentNullException.ThrowIfNull(ruleset);
        var set = Empty;
        foreach (var kind in PushRuleKinds.InPriorityOrder)
        {
            switch (ruleset[kind.Name()])
            {
                case null:
                    break;
                case JsonArray rules:
                    set = set.With(kind, rules.Select(rule => PushRule.Parse(rule, kind)));
                    break;
                default:
                    throw new PushRuleFormatException($"'{kind.Name()}' must be an array of push rules");
            }
        }

        return set;
    }
}
