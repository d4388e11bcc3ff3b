using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.Protocol.Json;

/// <summary>
/// Typed reads from JSON nodes that do not depend on how the node was made: a parsed node holds a
/// JsonElement, one built in code may hold an int (or any other CLR integer), and <c>TryGetValue&lt;long&gt;</c>
/// alone misses those. The one place the protocol library reads integers and strings out of event JSON.
/// </summary>
public static class JsonNodeValues
{
    /// <summary>A JSON number written as an integer within the long range, whatever CLR type backs the node.</summary>
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

        // Other CLR integers (short, uint, byte …) through their JSON text; "1.5" and "1e2" do not parse.
        return v.GetValueKind() == JsonValueKind.Number
            && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static string? GetString(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>The string value of <paramref name="obj"/>[<paramref name="key"/>], or null when absent or not a string.</summary>
    public static string? GetString(JsonObject obj, string key) => GetString(obj[key]);
}
