using System.Text.Json.Nodes;
using Ranvier.Protocol.Push;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// A filter's <c>event_fields</c> (spec: Filter, "event_fields"; appendices "Dot-separated property paths"): events
/// keep only the listed fields. A path names nested objects with dots; <c>\.</c> is a dot inside a name and
/// <c>\\</c> a backslash. Paths that name nothing in an event are skipped.
/// </summary>
public sealed class EventFieldProjection
{
    private readonly List<string[]> _paths;

    private EventFieldProjection(List<string[]> paths) => _paths = paths;

    /// <summary>The projection for a filter's list; null when the filter keeps every field.</summary>
    public static EventFieldProjection? For(IReadOnlyList<string>? eventFields) =>
        eventFields is null ? null : new EventFieldProjection([.. eventFields.Select(Split)]);

    /// <summary>A new object holding only the listed fields of <paramref name="source"/>.</summary>
    public JsonObject Apply(JsonObject source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new JsonObject();
        foreach (var path in _paths)
        {
            Copy(source, result, path, 0);
        }

        return result;
    }

    private static void Copy(JsonObject source, JsonObject target, string[] path, int index)
    {
        if (!source.TryGetPropertyValue(path[index], out var value))
        {
            return;
        }

        if (index == path.Length - 1)
        {
            target[path[index]] = value?.DeepClone();
            return;
        }

        if (value is not JsonObject inner || !Exists(inner, path, index + 1))
        {
            return;
        }

        if (target[path[index]] is not JsonObject innerTarget)
        {
            innerTarget = [];
            target[path[index]] = innerTarget;
        }

        Copy(inner, innerTarget, path, index + 1);
    }

    private static bool Exists(JsonObject source, string[] path, int index) =>
        source.TryGetPropertyValue(path[index], out var value)
        && (index == path.Length - 1 || (value is JsonObject inner && Exists(inner, path, index + 1)));

    /// <summary>Splits a dot-separated path (spec: appendices "Dot-separated property paths"), unescaping <c>\.</c> and <c>\\</c>.</summary>
    internal static string[] Split(string path) => [.. PropertyPath.Parse(path).Segments];
}
