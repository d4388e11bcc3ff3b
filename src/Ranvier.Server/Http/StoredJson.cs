using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.Server.Http;

/// <summary>
/// Client-supplied JSON (account data, profile fields, filters) as it is stored and served again: compact,
/// with non-ASCII characters kept as they are rather than escaped, since it is only ever served as
/// application/json. Unlike canonical JSON it keeps floats, which such free-form data may contain.
/// </summary>
public static class StoredJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static string Write(JsonNode? node) => node?.ToJsonString(Options) ?? "null";

    /// <summary>Parses JSON the store returned (written by <see cref="Write"/>).</summary>
    public static JsonNode? Read(string json) => JsonNode.Parse(json);
}
