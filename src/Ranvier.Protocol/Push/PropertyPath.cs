using System.Text;
using System.Text.Json.Nodes;

namespace Ranvier.Protocol.Push;

/// <summary>
/// A dot-separated property path (spec: appendices "Dot-separated property paths"): <c>content.m\.relates_to</c> names
/// <c>m.relates_to</c> inside <c>content</c>. <c>\.</c> is a literal dot, <c>\\</c> a literal backslash; any other
/// backslash stays as it is.
/// </summary>
public sealed class PropertyPath
{
    private readonly string[] _segments;

    private PropertyPath(string[] segments) => _segments = segments;

    /// <summary>The property names the path walks through, unescaped.</summary>
    public IReadOnlyList<string> Segments => _segments;

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static PropertyPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\\' && i + 1 < path.Length && path[i + 1] is '.' or '\\')
            {
                current.Append(path[++i]);
            }
            else if (c == '.')
            {
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        segments.Add(current.ToString());
        return new PropertyPath([.. segments]);
    }

    /// <summary>
    /// The value at the path inside <paramref name="root"/>. False when a step is missing or passes through something
    /// that is not an object; a present JSON null gives true with a null <paramref name="value"/>.
    /// </summary>
    public bool TryResolve(JsonObject root, out JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(root);
        JsonNode? node = root;
        foreach (var segment in _segments)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
            {
                value = null;
                return false;
            }
        }

        value = node;
        return true;
    }
}
