using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Push;

/// <summary>
/// A user's ruleset compiled for evaluation (spec: client-server API "Push Rules"): kinds in priority order, disabled
/// rules dropped, globs and property paths parsed once. Build one per ruleset and reuse it for every event until the
/// rules change; <see cref="FindMatch"/> only reads, so one instance serves concurrent callers.
/// </summary>
public sealed class PushRuleEvaluator
{
    private const string BodyKey = "content.body";

    private readonly CompiledRule[] _rules;

    private PushRuleEvaluator(CompiledRule[] rules) => _rules = rules;

    /// <summary>Compiles <paramref name="rules"/>.</summary>
    public static PushRuleEvaluator Compile(PushRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var compiled = new List<CompiledRule>();
        foreach (var (kind, rule) in rules.InPriorityOrder())
        {
            if (rule.Enabled)
            {
                compiled.Add(new CompiledRule(rule, kind, CompileTest(kind, rule)));
            }
        }

        return new PushRuleEvaluator([.. compiled]);
    }

    /// <summary>
    /// The highest-priority enabled rule that matches <paramref name="pushEvent"/> (the event's JSON: type, content,
    /// sender, room_id, state_key …) for a user whose display name in the room is <paramref name="displayName"/>, or
    /// null when none does (then the event must not notify).
    /// </summary>
    public PushRule? FindMatch(JsonObject pushEvent, PushRoomFacts room, string? displayName)
    {
        ArgumentNullException.ThrowIfNull(pushEvent);
        ArgumentNullException.ThrowIfNull(room);
        var input = new MatchInput(pushEvent, room, displayName, StringAt(pushEvent, "content", "body"));
        foreach (var rule in _rules)
        {
            if (rule.Test(input))
            {
                return rule.Rule;
            }
        }

        return null;
    }

    private static Func<MatchInput, bool> CompileTest(PushRuleKind kind, PushRule rule)
    {
        switch (kind)
        {
            case PushRuleKind.Content:
                var pattern = Glob.Compile(rule.Pattern ?? string.Empty);
                return input => input.Body is { } body && pattern.MatchesWord(body);
            case PushRuleKind.Room:
                return input => string.Equals(StringAt(input.Event, "room_id"), rule.RuleId, StringComparison.Ordinal);
            case PushRuleKind.Sender:
                return input => string.Equals(StringAt(input.Event, "sender"), rule.RuleId, StringComparison.Ordinal);
            default:
                var conditions = (rule.Conditions ?? []).Select(CompileCondition).ToArray();
                return input => Array.TrueForAll(conditions, condition => condition(input));
        }
    }

    private static Func<MatchInput, bool> CompileCondition(PushCondition condition)
    {
        switch (condition)
        {
            case EventMatchCondition match:
                var glob = Glob.Compile(match.Pattern);
                if (match.Key == BodyKey)
                {
                    return input => input.Body is { } body && glob.MatchesWord(body);
                }

                var matchPath = PropertyPath.Parse(match.Key);
                return input => matchPath.TryResolve(input.Event, out var value) && value is JsonValue v &&
                    v.GetValueKind() == JsonValueKind.String && glob.IsMatch(v.GetValue<string>());
            case EventPropertyIsCondition propertyIs:
                var isPath = PropertyPath.Parse(propertyIs.Key);
                return input => isPath.TryResolve(input.Event, out var value) && ScalarEquals(value, propertyIs.Value);
            case EventPropertyContainsCondition contains:
                var containsPath = PropertyPath.Parse(contains.Key);
                return input => containsPath.TryResolve(input.Event, out var value) && value is JsonArray array &&
                    array.Any(item => ScalarEquals(item, contains.Value));
            case ContainsDisplayNameCondition:
                return input => !string.IsNullOrEmpty(input.DisplayName) && input.Body is { } body &&
                    Glob.Literal(input.DisplayName).MatchesWord(body);
            case RoomMemberCountCondition count:
                return input => count.Matches(input.Room.MemberCount);
            case SenderNotificationPermissionCondition permission:
                return input => input.Room.SenderMayNotify(permission.Key);
            default:
                // "Unrecognised conditions MUST NOT match any events."
                return static _ => false;
        }
    }

    // Exact equality of non-compound canonical JSON values: same type, same value, no casts ("1" is not 1, 1 is not true).
    private static bool ScalarEquals(JsonNode? actual, JsonNode? expected)
    {
        if (actual is null || expected is null)
        {
            return actual is null && expected is null;
        }

        if (actual is not JsonValue a || expected is not JsonValue e)
        {
            return false;
        }

        var kind = a.GetValueKind();
        if (kind != e.GetValueKind())
        {
            return false;
        }

        return kind switch
        {
            JsonValueKind.String => string.Equals(a.GetValue<string>(), e.GetValue<string>(), StringComparison.Ordinal),
            JsonValueKind.Number => JsonNodeValues.TryGetInt64(a, out var x) && JsonNodeValues.TryGetInt64(e, out var y) && x == y,
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => true,
            _ => false,
        };
    }

    private static string? StringAt(JsonObject root, params ReadOnlySpan<string> names)
    {
        JsonNode? node = root;
        foreach (var name in names)
        {
            node = (node as JsonObject)?[name];
        }

        return JsonNodeValues.GetString(node);
    }

    private sealed record MatchInput(JsonObject Event, PushRoomFacts Room, string? DisplayName, string? Body);

    private sealed record CompiledRule(PushRule Rule, PushRuleKind Kind, Func<MatchInput, bool> Test);
}
