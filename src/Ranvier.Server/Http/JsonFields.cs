using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.Server.Http;

/// <summary>
/// Typed reads of request-body fields, each failing with the Matrix error a client expects:
/// a missing required field is 400 M_MISSING_PARAM, a field of the wrong type 400 M_BAD_JSON.
/// </summary>
public static class JsonFields
{
    public static string? OptionalString(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body[name] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw MatrixError.BadJson($"'{name}' must be a string"),
        };
    }

    public static string RequiredString(JsonObject body, string name) =>
        OptionalString(body, name) ?? throw MatrixError.MissingParam($"'{name}' is required");

    public static bool OptionalBool(JsonObject body, string name, bool defaultValue = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body[name] switch
        {
            null => defaultValue,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw MatrixError.BadJson($"'{name}' must be a boolean"),
        };
    }

    public static JsonObject? OptionalObject(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body[name] switch
        {
            null => null,
            JsonObject o => o,
            _ => throw MatrixError.BadJson($"'{name}' must be an object"),
        };
    }
}
