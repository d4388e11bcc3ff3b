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
}
