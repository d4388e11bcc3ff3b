using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Json;

/// <summary>Limits for <see cref="StrictJsonParser"/>.</summary>
public sealed record JsonParseOptions
{
    /// <summary>
    /// 128 levels: far beyond any real event or request body (the deepest spec shapes — push rules, E2EE
    /// key objects — stay under 10), yet small enough that recursive walkers over the result cannot
    /// exhaust the stack.
    /// </summary>
    public const int DefaultMaxDepth = 128;

    /// <summary>Integers only, within [-(2^53)+1, (2^53)-1]: what room versions 6+ and the client API require.</summary>
    public static readonly JsonParseOptions Strict = new();

    /// <summary>Room versions 1–5: any RFC 8259 number is accepted (and kept as its original text).</summary>
    public static readonly JsonParseOptions Lenient = new() { StrictNumbers = false };

    public int MaxDepth { get; init; } = DefaultMaxDepth;

    public bool StrictNumbers { get; init; } = true;
}

/// <summary>
/// Parses untrusted JSON (federation and client bodies) into a <see cref="JsonObject"/>, refusing what
/// System.Text.Json would silently accept or mishandle: duplicate keys, escaped unpaired surrogates,
/// invalid UTF-8, excessive nesting and (in strict mode, spec: rooms/fragments/v6-canonical-json) numbers
/// that canonical JSON cannot express. Never throws for bad input.
/// </summary>
public static class StrictJsonParser
{
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out JsonObject? result,
        [NotNullWhen(false)] out JsonParseError? error, JsonParseOptions? options = null)
    {
        options ??= JsonParseOptions.Strict;
        result = null;
        if (!Utf8.IsValid(utf8))
        {
            error = new JsonParseError(JsonParseErrorKind.InvalidUtf8, "the body is not valid UTF-8", 0);
            return false;
        }

        // The reader's own depth limit is set one above ours so that ours reports the error kind.
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            MaxDepth = options.MaxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
        });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = new JsonParseError(JsonParseErrorKind.NotAnObject, "the top-level value must be an object", 0);
                return false;
            }

            var node = ReadValue(ref reader, options, 0, out error);
            if (node is null)
            {
                error ??= new JsonParseError(JsonParseErrorKind.Syntax, "invalid JSON", reader.TokenStartIndex);
                return false;
            }

            if (reader.Read())
            {
                error = new JsonParseError(JsonParseErrorKind.Syntax, "data after the top-level object", reader.TokenStartIndex);
                return false;
            }

            result = (JsonObject)node;
            return true;
        }
        catch (JsonException e)
        {
            error = new JsonParseError(JsonParseErrorKind.Syntax, e.Message, e.BytePositionInLine ?? reader.BytesConsumed);
            return false;
        }
        catch (InvalidOperationException e)
        {
            // GetString refuses escapes that decode to invalid UTF-16.
            error = new JsonParseError(JsonParseErrorKind.LoneSurrogate, e.Message, reader.TokenStartIndex);
            return false;
        }
    }

    /// <summary>As <see cref="TryParse"/>, throwing <see cref="FormatException"/> with the reason.</summary>
    public static JsonObject Parse(ReadOnlySpan<byte> utf8, JsonParseOptions? options = null) =>
        TryParse(utf8, out var result, out var error, options) ? result : throw new FormatException(error.ToString());

    public static JsonObject Parse(string json, JsonParseOptions? options = null) =>
        Parse(System.Text.Encoding.UTF8.GetBytes(json), options);

    // Reads the non-null value whose first token the reader is on; returns null with an error to stop.
    private static JsonNode? ReadValue(ref Utf8JsonReader reader, JsonParseOptions options, int depth, out JsonParseError? error)
    {
        error = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, options, depth + 1, out error);
            case JsonTokenType.StartArray:
                return ReadArray(ref reader, options, depth + 1, out error);
            case JsonTokenType.String:
                var text = reader.GetString()!;
                if (IdentifierGrammar.HasLoneSurrogate(text))
                {
                    error = new JsonParseError(JsonParseErrorKind.LoneSurrogate, "a string escapes an unpaired surrogate", reader.TokenStartIndex);
                    return null;
                }

                return JsonValue.Create(text);
            case JsonTokenType.Number:
                return ReadNumber(ref reader, options, out error);
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            default:
                // JsonTokenType.Null never reaches here: callers store null members directly.
                error = new JsonParseError(JsonParseErrorKind.Syntax, $"unexpected {reader.TokenType}", reader.TokenStartIndex);
                return null;
        }
    }

    private static JsonObject? ReadObject(ref Utf8JsonReader reader, JsonParseOptions options, int depth, out JsonParseError? error)
    {
        if (!CheckDepth(ref reader, options, depth, out error))
        {
            return null;
        }

        var obj = new JsonObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            var keyStart = reader.TokenStartIndex;
            if (IdentifierGrammar.HasLoneSurrogate(key))
            {
                error = new JsonParseError(JsonParseErrorKind.LoneSurrogate, "a key escapes an unpaired surrogate", keyStart);
                return null;
            }

            if (obj.ContainsKey(key))
            {
                error = new JsonParseError(JsonParseErrorKind.DuplicateKey, $"duplicate key '{key}'", keyStart);
                return null;
            }

            reader.Read();
            if (!TryReadMember(ref reader, options, depth, out var value, out error))
            {
                return null;
            }

            obj.Add(key, value);
        }

        return obj;
    }

    private static JsonArray? ReadArray(ref Utf8JsonReader reader, JsonParseOptions options, int depth, out JsonParseError? error)
    {
        if (!CheckDepth(ref reader, options, depth, out error))
        {
            return null;
        }

        var array = new JsonArray();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!TryReadMember(ref reader, options, depth, out var value, out error))
            {
                return null;
            }

            array.Add(value);
        }

        return array;
    }

    private static bool TryReadMember(ref Utf8JsonReader reader, JsonParseOptions options, int depth, out JsonNode? value, out JsonParseError? error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            value = null;
            error = null;
            return true;
        }

        value = ReadValue(ref reader, options, depth, out error);
        return value is not null;
    }

    private static JsonValue? ReadNumber(ref Utf8JsonReader reader, JsonParseOptions options, out JsonParseError? error)
    {
        error = null;
        var token = reader.ValueSpan;
        if (CanonicalJsonWriter.IsIntegerSyntax(token)
            && long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            if (options.StrictNumbers && (integer > CanonicalJsonWriter.MaxSafeInteger || integer < -CanonicalJsonWriter.MaxSafeInteger))
            {
                error = new JsonParseError(JsonParseErrorKind.IntegerOutOfRange, "integer outside [-(2^53)+1, (2^53)-1]", reader.TokenStartIndex);
                return null;
            }

            return JsonValue.Create(integer);
        }

        if (options.StrictNumbers)
        {
            error = CanonicalJsonWriter.IsIntegerSyntax(token)
                ? new JsonParseError(JsonParseErrorKind.IntegerOutOfRange, "integer outside [-(2^53)+1, (2^53)-1]", reader.TokenStartIndex)
                : new JsonParseError(JsonParseErrorKind.NotAnInteger, "numbers must be integers", reader.TokenStartIndex);
            return null;
        }

        // Lenient: keep the number's exact text (huge integers, floats) for faithful re-serialisation.
        return JsonValue.Create(JsonElement.ParseValue(ref reader));
    }

    private static bool CheckDepth(ref Utf8JsonReader reader, JsonParseOptions options, int depth, out JsonParseError? error)
    {
        error = depth > options.MaxDepth
            ? new JsonParseError(JsonParseErrorKind.TooDeep, $"nested deeper than {options.MaxDepth} levels", reader.TokenStartIndex)
            : null;
        return error is null;
    }
}
