using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Push;

/// <summary>
/// One push rule (spec: client-server API, "Push Rules"; push_rule.yaml). <paramref name="Conditions"/> is set for
/// override and underride rules only, <paramref name="Pattern"/> for content rules only; room and sender rules take
/// their condition from <paramref name="RuleId"/>. <paramref name="Default"/> marks a server-default rule, whose ID
/// starts with a dot.
/// </summary>
public sealed record PushRule(
    string RuleId,
    bool Default,
    bool Enabled,
    IReadOnlyList<PushAction> Actions,
    IReadOnlyList<PushCondition>? Conditions = null,
    string? Pattern = null)
{
    /// <summary>Whether <paramref name="ruleId"/> is reserved for server-default rules ("MUST start with a dot").</summary>
    public static bool IsServerDefaultId(string ruleId) => ruleId.StartsWith('.');

    /// <summary>The rule as the push rules API and <c>m.push_rules</c> show it.</summary>
    public JsonObject ToJson()
    {
        var obj = new JsonObject
        {
            ["rule_id"] = RuleId,
            ["default"] = Default,
            ["enabled"] = Enabled,
            ["actions"] = PushAction.ToJsonArray(Actions),
        };
        if (Conditions is not null)
        {
            obj["conditions"] = PushCondition.ToJsonArray(Conditions);
        }

        if (Pattern is not null)
        {
            obj["pattern"] = Pattern;
        }

        return obj;
    }

    /// <summary>Reads a rule in the form <see cref="ToJson"/> writes, as a rule of <paramref name="kind"/>.</summary>
    public static PushRule Parse(JsonNode? node, PushRuleKind kind)
    {
        if (node is not JsonObject obj)
        {
            throw new PushRuleFormatException("A push rule must be an object");
        }

        var ruleId = JsonNodeValues.GetString(obj["rule_id"]) ?? throw new PushRuleFormatException("A push rule needs a string 'rule_id'");
        var actions = obj["actions"] as JsonArray ?? throw new PushRuleFormatException("A push rule needs an 'actions' array");
        return new PushRule(
            ruleId,
            Bool(obj, "default"),
            Bool(obj, "enabled"),
            PushAction.ParseList(actions),
            kind.HasConditions() ? PushCondition.ParseList(obj["conditions"] as JsonArray ?? []) : null,
            kind == PushRuleKind.Content ? JsonNodeValues.GetString(obj["pattern"]) ?? throw new PushRuleFormatException("A content rule needs a string 'pattern'") : null);
    }

    private static bool Bool(JsonObject obj, string name) => obj[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        _ => throw new PushRuleFormatException($"A push rule needs a boolean '{name}'"),
    };
}
