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
    /// <paramref name="values"/> as a JSON array of strings in UTF-8, for a <c>json_each</c> parameter that is bound as
    /// a blob and read as text (<c>json_each(CAST(@p AS TEXT))</c>): SQLite copies the one array as it is, where a
    /// string parameter is encoded to UTF-8 anew at every bind. Values with nothing to escape (every user ID this
    /// server makes, every event ID) are written straight into the array; others go through the JSON writer.
    /// </summary>
    public static byte[] Utf8ArrayOf(IReadOnlyList<string> values)
    {
        var length = 2 + Math.Max(0, values.Count - 1);
        foreach (var value in values)
        {
            if (value.AsSpan().ContainsAny(NeedsEscaping))
            {
                return EscapedArrayOf(values);
            }

            length += Encoding.UTF8.GetByteCount(value) + 2;
        }

        var bytes = new byte[length];
        bytes[0] = (byte)'[';
        var at = 1;
        foreach (var value in values)
        {
            if (at > 1)
            {
                bytes[at++] = (byte)',';
            }

            bytes[at++] = (byte)'"';
            at += Encoding.UTF8.GetBytes(value, bytes.AsSpan(at));
            bytes[at++] = (byte)'"';
        }

        bytes[at] = (byte)']';
        return bytes;
    }

    private static byte[] EscapedArrayOf(IReadOnlyList<string> values)
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

        return buffer.WrittenSpan.ToArray();
    }

    // What a JSON string cannot hold as it is: the quote, the backslash and the control characters.
    private static readonly SearchValues<char> NeedsEscaping = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");
}
