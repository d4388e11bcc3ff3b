using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.Protocol.Push;

/// <summary>
/// What a matching push rule does (spec: client-server API, "Actions"). Actions without parameters are strings,
/// the others objects named by their first key. Actions this server does not know are kept as they came, so a
/// client's rule survives a round trip unchanged.
/// </summary>
public abstract record PushAction
{
    /// <summary>The JSON form of the action, as written into a rule.</summary>
    public abstract JsonNode ToJson();

    /// <summary>
    /// Reads an <c>actions</c> array. The historical <c>dont_notify</c> and <c>coalesce</c> are dropped, as
    /// "Historical Actions" requires. Elements that are neither strings nor objects, and a <c>set_tweak</c> that
    /// does not name its tweak with a string, are refused.
    /// </summary>
    public static IReadOnlyList<PushAction> ParseList(JsonArray actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var result = new List<PushAction>(actions.Count);
        foreach (var node in actions)
        {
            var action = Parse(node);
            if (action is not null)
            {
                result.Add(action);
            }
        }

        return result;
    }

    /// <summary>The JSON array of <paramref name="actions"/>.</summary>
    public static JsonArray ToJsonArray(IEnumerable<PushAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var array = new JsonArray();
        foreach (var action in actions)
        {
            array.Add(action.ToJson());
        }

        return array;
    }

    // Null for the historical actions, which are stripped.
    private static PushAction? Parse(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var name = value.GetValue<string>();
                return name switch
                {
                    NotifyAction.Name => NotifyAction.Instance,
                    "dont_notify" or "coalesce" => null,
                    _ => new UnknownAction(JsonValue.Create(name)),
                };
            case JsonObject obj when obj.TryGetPropertyValue(SetTweakAction.Name, out var tweak):
                if (tweak is not JsonValue tweakName || tweakName.GetValueKind() != JsonValueKind.String)
                {
                    throw new PushRuleFormatException("'set_tweak' must name the tweak with a string");
                }

                return new SetTweakAction(tweakName.GetValue<string>(), obj["value"]?.DeepClone());
            case JsonObject obj:
                return new UnknownAction(obj.DeepClone());
            default:
                throw new PushRuleFormatException("Each action must be a string or an object");
        }
    }
}

/// <summary><c>notify</c>: the event generates a notification.</summary>
public sealed record NotifyAction : PushAction
{
    public const string Name = "notify";

    public static readonly NotifyAction Instance = new();

    private NotifyAction()
    {
    }

    public override JsonNode ToJson() => JsonValue.Create(Name);
}

/// <summary>
/// <c>set_tweak</c>: sets an entry of the notification's <c>tweaks</c>. <paramref name="Value"/> is null when the
/// action has no <c>value</c> (a <c>highlight</c> tweak without a value means true); a JSON null counts as none.
/// </summary>
public sealed record SetTweakAction(string Tweak, JsonNode? Value) : PushAction
{
    public const string Name = "set_tweak";

    public const string Sound = "sound";

    public const string Highlight = "highlight";

    /// <summary><c>{"set_tweak":"sound","value":<paramref name="sound"/>}</c>.</summary>
    public static SetTweakAction SoundOf(string sound) => new(Sound, JsonValue.Create(sound));

    /// <summary><c>{"set_tweak":"highlight"}</c>, which highlights.</summary>
    public static SetTweakAction HighlightOn() => new(Highlight, null);

    public override JsonNode ToJson()
    {
        var obj = new JsonObject { [Name] = Tweak };
        if (Value is not null)
        {
            obj["value"] = Value.DeepClone();
        }

        return obj;
    }

    public bool Equals(SetTweakAction? other) =>
        other is not null && Tweak == other.Tweak && JsonNode.DeepEquals(Value, other.Value);

    public override int GetHashCode() => Tweak.GetHashCode(StringComparison.Ordinal);
}

/// <summary>An action this server does not define, kept as given (tweaks and actions pass through transparently).</summary>
public sealed record UnknownAction(JsonNode Raw) : PushAction
{
    public override JsonNode ToJson() => Raw.DeepClone();

    public bool Equals(UnknownAction? other) => other is not null && JsonNode.DeepEquals(Raw, other.Raw);

    public override int GetHashCode() => Raw.GetValueKind().GetHashCode();
}

/// <summary>What a matched rule's actions mean for counts and pushes (spec: "Actions", "Receiving notifications").</summary>
public static class PushActions
{
    /// <summary>Whether the actions notify (count towards <c>notification_count</c> and reach pushers).</summary>
    public static bool Notifies(IEnumerable<PushAction> actions) => actions.Any(action => action is NotifyAction);

    /// <summary>
    /// Whether the actions highlight: a <c>highlight</c> tweak with no value or a true value (a false value, or none,
    /// does not). Only a notifying event counts as highlighted.
    /// </summary>
    public static bool Highlights(IEnumerable<PushAction> actions)
    {
        var list = actions as IReadOnlyCollection<PushAction> ?? [.. actions];
        return Notifies(list) && list.OfType<SetTweakAction>().LastOrDefault(t => t.Tweak == SetTweakAction.Highlight) is { } tweak &&
            (tweak.Value is null || (tweak.Value is JsonValue v && v.GetValueKind() == JsonValueKind.True));
    }
}
