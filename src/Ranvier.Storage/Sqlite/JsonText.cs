using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Ranvier.Storage.Sqlite;

/// <summary>JSON text for values the store itself writes (most JSON arrives already serialised from the services).</summary>
internal static class JsonText
{
    /// <summary>A JSON string literal.</summary>
    public static string String(string value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>
    /// <paramref name="values"/> as a JSON array of strings (a parameter for <c>json_each</c>). Values with nothing to
    /// escape (every user ID this server makes, every event ID) are written straight into the one string; others go
    /// through the JSON writer.
    /// </summary>
    public static string ArrayOf(IReadOnlyList<string> values)
    {
        var length = 2 + Math.Max(0, values.Count - 1);
        foreach (var value in values)
        {
            if (value.AsSpan().ContainsAny(NeedsEscaping))
            {
                return EscapedArrayOf(values);
            }

            length += value.Length + 2;
        }

        return string.Create(length, values, static (span, values) =>
        {
            span[0] = '[';
            var at = 1;
            foreach (var value in values)
            {
                if (at > 1)
                {
                    span[at++] = ',';
                }

                span[at++] = '"';
                value.CopyTo(span[at..]);
                at += value.Length;
                span[at++] = '"';
            }

            span[at] = ']';
        });
    }

    private static string EscapedArrayOf(IReadOnlyList<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>(values.Count * 32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // What a JSON string cannot hold as it is: the quote, the backslash and the control characters.
    private static readonly SearchValues<char> NeedsEscaping = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");
}
