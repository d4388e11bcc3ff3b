using System.Text.Json.Nodes;

namespace Ranvier.Protocol.Json;

/// <summary>
/// Typed reads from JSON nodes that do not depend on how the node was made: a parsed node holds a
/// JsonElement or a long, one built in code may hold an int, and <c>TryGetValue&lt;long&gt;</c> alone
/// misses the latter.
/// </summary>
public static class JsonNodeValues
{
    public static bool TryGetInt64(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue v)
        {
            return false;
        }

        if (v.TryGetValue(out value))
        {
            return true;
        }

        if (v.TryGetValue(out int small))
        {
            value = small;
            return true;
        }

        return false;
    }

    public static string? GetString(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
