using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Push;

/// <summary>
/// One condition of an override or underride rule (spec: client-server API, "Conditions"). A condition of a kind
/// this server does not know is kept as given and never matches ("Unrecognised conditions MUST NOT match").
/// </summary>
public abstract partial record PushCondition
{
    public const string EventMatchKind = "event_match";
    public const string EventPropertyIsKind = "event_property_is";
    public const string EventPropertyContainsKind = "event_property_contains";
    public const string ContainsDisplayNameKind = "contains_display_name";
    public const string RoomMemberCountKind = "room_member_count";
    public const string SenderNotificationPermissionKind = "sender_notification_permission";

    /// <summary>The <c>kind</c> of the condition.</summary>
    public abstract string Kind { get; }

    /// <summary>The JSON form: <c>kind</c> and the parameters of that kind.</summary>
    public abstract JsonObject ToJson();

    /// <summary>
    /// Reads one condition. A known kind must carry its parameters with the types push_condition.yaml gives them;
    /// an unknown kind only needs a string <c>kind</c>.
    /// </summary>
    public static PushCondition Parse(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            throw new PushRuleFormatException("Each condition must be an object");
        }

        var kind = JsonNodeValues.GetString(obj["kind"]) ?? throw new PushRuleFormatException("A condition needs a string 'kind'");
        return kind switch
        {
            EventMatchKind => new EventMatchCondition(RequiredString(obj, "key", kind), RequiredString(obj, "pattern", kind)),
            EventPropertyIsKind => new EventPropertyIsCondition(RequiredString(obj, "key", kind), RequiredScalar(obj, kind)),
            EventPropertyContainsKind => new EventPropertyContainsCondition(RequiredString(obj, "key", kind), RequiredScalar(obj, kind)),
            ContainsDisplayNameKind => ContainsDisplayNameCondition.Instance,
            RoomMemberCountKind => RoomMemberCountCondition.Parse(RequiredString(obj, "is", kind)),
            SenderNotificationPermissionKind => new SenderNotificationPermissionCondition(RequiredString(obj, "key", kind)),
            _ => new UnknownCondition((JsonObject)obj.DeepClone()),
        };
    }

    /// <summary>Reads a <c>conditions</c> array.</summary>
    public static IReadOnlyList<PushCondition> ParseList(JsonArray conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        return [.. conditions.Select(Parse)];
    }

    /// <summary>The JSON array of <paramref name="conditions"/>.</summary>
    public static JsonArray ToJsonArray(IEnumerable<PushCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var array = new JsonArray();
        foreach (var condition in conditions)
        {
            array.Add((JsonNode)condition.ToJson());
        }

        return array;
    }

    private static string RequiredString(JsonObject obj, string name, string kind) =>
        JsonNodeValues.GetString(obj[name]) ?? throw new PushRuleFormatException($"A '{kind}' condition needs a string '{name}'");

    // event_property_is and _contains take "non-compound canonical JSON values": strings, integers within
    // [-(2**53)+1, (2**53)-1], booleans and null. A missing value is not a null value.
    private static JsonNode? RequiredScalar(JsonObject obj, string kind)
    {
        if (!obj.TryGetPropertyValue("value", out var value))
        {
            throw new PushRuleFormatException($"A '{kind}' condition needs a 'value'");
        }

        if (!IsCanonicalScalar(value))
        {
            throw new PushRuleFormatException($"The 'value' of a '{kind}' condition must be a string, an integer, a boolean or null");
        }

        return value?.DeepClone();
    }

    /// <summary>Whether <paramref name="value"/> is a value event_property_is/contains can match (null is JSON null).</summary>
    public static bool IsCanonicalScalar(JsonNode? value)
    {
        const long MaxSafe = (1L << 53) - 1;
        return value switch
        {
            null => true,
            JsonValue v => v.GetValueKind() switch
            {
                JsonValueKind.String or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => true,
                JsonValueKind.Number => JsonNodeValues.TryGetInt64(v, out var n) && n is >= -MaxSafe and <= MaxSafe,
                _ => false,
            },
            _ => false,
        };
    }

    private protected static JsonObject Json(string kind, params (string Name, JsonNode? Value)[] parameters)
    {
        var obj = new JsonObject { ["kind"] = kind };
        foreach (var (name, value) in parameters)
        {
            obj[name] = value?.DeepClone();
        }

        return obj;
    }
}

/// <summary><c>event_match</c>: a glob match of <paramref name="Pattern"/> against the string at <paramref name="Key"/>.</summary>
public sealed record EventMatchCondition(string Key, string Pattern) : PushCondition
{
    public override string Kind => EventMatchKind;

    public override JsonObject ToJson() => Json(Kind, ("key", Key), ("pattern", Pattern));
}

/// <summary><c>event_property_is</c>: the property at <paramref name="Key"/> equals <paramref name="Value"/> exactly (null: JSON null).</summary>
public sealed record EventPropertyIsCondition(string Key, JsonNode? Value) : PushCondition
{
    public override string Kind => EventPropertyIsKind;

    public override JsonObject ToJson() => Json(Kind, ("key", Key), ("value", Value));

    public bool Equals(EventPropertyIsCondition? other) => other is not null && Key == other.Key && JsonNode.DeepEquals(Value, other.Value);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}

/// <summary><c>event_property_contains</c>: the array at <paramref name="Key"/> holds <paramref name="Value"/> (null: JSON null).</summary>
public sealed record EventPropertyContainsCondition(string Key, JsonNode? Value) : PushCondition
{
    public override string Kind => EventPropertyContainsKind;

    public override JsonObject ToJson() => Json(Kind, ("key", Key), ("value", Value));

    public bool Equals(EventPropertyContainsCondition? other) => other is not null && Key == other.Key && JsonNode.DeepEquals(Value, other.Value);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}

/// <summary><c>contains_display_name</c> (deprecated since v1.17): <c>content.body</c> holds the user's display name in the room.</summary>
public sealed record ContainsDisplayNameCondition : PushCondition
{
    public static readonly ContainsDisplayNameCondition Instance = new();

    private ContainsDisplayNameCondition()
    {
    }

    public override string Kind => ContainsDisplayNameKind;

    public override JsonObject ToJson() => Json(Kind);
}

/// <summary>How <see cref="RoomMemberCountCondition"/> compares the member count with its number.</summary>
public enum MemberCountComparison
{
    Equal = 0,
    Less = 1,
    Greater = 2,
    GreaterOrEqual = 3,
    LessOrEqual = 4,
}

/// <summary>
/// <c>room_member_count</c>: the room's current member count compared with a number; <paramref name="Is"/> is the
/// parameter as given ("2", "&lt;=10"), <paramref name="Comparison"/> and <paramref name="Count"/> its meaning.
/// </summary>
public sealed partial record RoomMemberCountCondition(string Is, MemberCountComparison Comparison, long Count) : PushCondition
{
    public override string Kind => RoomMemberCountKind;

    public override JsonObject ToJson() => Json(Kind, ("is", Is));

    /// <summary>Whether a room of <paramref name="memberCount"/> members satisfies the condition.</summary>
    public bool Matches(long memberCount) => Comparison switch
    {
        MemberCountComparison.Less => memberCount < Count,
        MemberCountComparison.Greater => memberCount > Count,
        MemberCountComparison.GreaterOrEqual => memberCount >= Count,
        MemberCountComparison.LessOrEqual => memberCount <= Count,
        _ => memberCount == Count,
    };

    /// <summary>Reads <c>is</c>: a decimal integer optionally prefixed by ==, &lt;, &gt;, &gt;= or &lt;= (none means ==).</summary>
    public static RoomMemberCountCondition Parse(string isParameter)
    {
        ArgumentNullException.ThrowIfNull(isParameter);
        var match = IsGrammar().Match(isParameter);
        if (!match.Success || !long.TryParse(match.Groups[2].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            throw new PushRuleFormatException("'is' must be a decimal integer optionally prefixed by ==, <, >, >= or <=");
        }

        var comparison = match.Groups[1].Value switch
        {
            "<" => MemberCountComparison.Less,
            ">" => MemberCountComparison.Greater,
            ">=" => MemberCountComparison.GreaterOrEqual,
            "<=" => MemberCountComparison.LessOrEqual,
            _ => MemberCountComparison.Equal,
        };
        return new RoomMemberCountCondition(isParameter, comparison, count);
    }

    [GeneratedRegex("^(==|<=|>=|<|>)?([0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IsGrammar();
}

/// <summary><c>sender_notification_permission</c>: the sender's power level reaches <c>notifications.{Key}</c>.</summary>
public sealed record SenderNotificationPermissionCondition(string Key) : PushCondition
{
    public override string Kind => SenderNotificationPermissionKind;

    public override JsonObject ToJson() => Json(Kind, ("key", Key));
}

/// <summary>A condition of a kind this server does not define: kept as given, never matches.</summary>
public sealed record UnknownCondition(JsonObject Raw) : PushCondition
{
    public override string Kind => JsonNodeValues.GetString(Raw["kind"]) ?? string.Empty;

    public override JsonObject ToJson() => (JsonObject)Raw.DeepClone();

    public bool Equals(UnknownCondition? other) => other is not null && JsonNode.DeepEquals(Raw, other.Raw);

    public override int GetHashCode() => Kind.GetHashCode(StringComparison.Ordinal);
}
