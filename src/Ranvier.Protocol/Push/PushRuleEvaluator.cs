using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Push;

/// <summary>
/// A user's ruleset compiled for evaluation (spec: client-server API "Push Rules"): kinds in priority order, disabled
/// rules dropped, globs and property paths parsed once. Build one per ruleset and reuse it for every event until the
/// rules change; <see cref="FindMatch(PushEvent, PushRoomFacts, string?)"/> only reads, so one instance serves concurrent callers.
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
    public PushRule? FindMatch(JsonObject pushEvent, PushRoomFacts room, string? displayName) =>
        FindMatch(new PushEvent(pushEvent), room, displayName);

    /// <summary>
    /// As <see cref="FindMatch(JsonObject, PushRoomFacts, string?)"/>, for an event evaluated for many users: pass the
    /// same <paramref name="pushEvent"/> for each of them so that its properties are read once.
    /// </summary>
    public PushRule? FindMatch(PushEvent pushEvent, PushRoomFacts room, string? displayName)
    {
        ArgumentNullException.ThrowIfNull(pushEvent);
        ArgumentNullException.ThrowIfNull(room);
        var input = new MatchInput(pushEvent, room, displayName);
        foreach (var rule in _rules)
        {
            if (rule.Test(input))
            {
                return rule.Rule;
            }
        }

        return null;
    }

    private static Test CompileTest(PushRuleKind kind, PushRule rule)
    {
        switch (kind)
        {
            case PushRuleKind.Content:
                var pattern = Glob.Compile(rule.Pattern ?? string.Empty);
                return (in MatchInput input) => input.Event.Body is { } body && pattern.MatchesWord(body);
            case PushRuleKind.Room:
                return (in MatchInput input) => string.Equals(input.Event.RoomId, rule.RuleId, StringComparison.Ordinal);
            case PushRuleKind.Sender:
                return (in MatchInput input) => string.Equals(input.Event.Sender, rule.RuleId, StringComparison.Ordinal);
            default:
                var conditions = (rule.Conditions ?? []).Select(CompileCondition).ToArray();
                return (in MatchInput input) =>
                {
                    foreach (var condition in conditions)
                    {
                        if (!condition(input))
                        {
                            return false;
                        }
                    }

                    return true;
                };
        }
    }

    private static Test CompileCondition(PushCondition condition)
    {
        switch (condition)
        {
            case EventMatchCondition match:
                var glob = Glob.Compile(match.Pattern);
                if (match.Key == BodyKey)
                {
                    return (in MatchInput input) => input.Event.Body is { } body && glob.MatchesWord(body);
                }

                var matchPath = PropertyPath.Parse(match.Key);
                var matchKey = match.Key;
                return (in MatchInput input) => input.Event.StringAt(matchKey, matchPath) is { } value && glob.IsMatch(value);
            case EventPropertyIsCondition propertyIs:
                var isPath = PropertyPath.Parse(propertyIs.Key);
                return (in MatchInput input) => isPath.TryResolve(input.Event.Json, out var value) && ScalarEquals(value, propertyIs.Value);
            case EventPropertyContainsCondition contains:
                var containsPath = PropertyPath.Parse(contains.Key);
                return (in MatchInput input) => containsPath.TryResolve(input.Event.Json, out var value) && value is JsonArray array &&
                    ArrayContains(array, contains.Value);
            case ContainsDisplayNameCondition:
                return (in MatchInput input) => !string.IsNullOrEmpty(input.DisplayName) && input.Event.Body is { } body &&
                    Glob.Literal(input.DisplayName).MatchesWord(body);
            case RoomMemberCountCondition count:
                return (in MatchInput input) => count.Matches(input.Room.MemberCount);
            case SenderNotificationPermissionCondition permission:
                return (in MatchInput input) => input.Room.SenderMayNotify(permission.Key);
            default:
                // "Unrecognised conditions MUST NOT match any events."
                return static (in MatchInput _) => false;
        }
    }

    private static bool ArrayContains(JsonArray array, JsonNode? expected)
    {
        foreach (var item in array)
        {
            if (ScalarEquals(item, expected))
            {
                return true;
            }
        }

        return false;
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

    private readonly record struct MatchInput(PushEvent Event, PushRoomFacts Room, string? DisplayName);

    private delegate bool Test(in MatchInput input);

    private sealed record CompiledRule(PushRule Rule, PushRuleKind Kind, Test Test);
}
