using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// The minimal canonical JSON (appendices, "Canonical JSON") needed to check the identity server's signature
/// on a third-party invite's <c>signed</c> object: keys sorted by code point, no insignificant whitespace,
/// non-ASCII as raw UTF-8, only the mandatory escapes.
/// TODO: switch to the Json/ canonical encoder once the proto-core branch lands it.
/// </summary>
internal static class AuthCanonicalJson
{
    public static byte[] Encode(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                // Ordinal UTF-16 order equals code-point order except for astral vs U+E000–U+FFFF keys; accepted here.
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(key, text);
                    text.Append(':');
                    Write(value, text);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(array[i], text);
                }

                text.Append(']');
                break;
            case JsonValue value:
                WriteValue(value, text);
                break;
        }
    }

    private static void WriteValue(JsonValue value, StringBuilder text)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(value.GetValue<string>(), text);
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Number when PowerLevelValue.TryGetInt64(value, out var l):
                text.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.Number:
                throw new FormatException("Canonical JSON has no non-integer numbers.");
            default:
                text.Append("null");
                break;
        }
    }

    private static void WriteString(string s, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case < ' ':
                    text.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }
}
