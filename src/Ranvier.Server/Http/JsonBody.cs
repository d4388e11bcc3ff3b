using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.Server.Http;

/// <summary>
/// Reads a JSON request body under the configured size limit. Every failure is a Matrix error: over the
/// limit is 413 M_TOO_LARGE (checked against Content-Length before reading, and while reading for chunked
/// bodies), unparseable or duplicate-key JSON is 400 M_NOT_JSON, JSON that is not an object is 400 M_BAD_JSON.
/// </summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = 64,
    };

    /// <summary>Reads the body as a JSON object.</summary>
    public static Task<JsonObject> ReadObjectAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken) =>
        ReadAsync(request, maxBytes, allowEmpty: false, cancellationToken);

    /// <summary>Reads the body as a JSON object, an absent or empty body being <c>{}</c> (for endpoints clients often call without one).</summary>
    public static Task<JsonObject> ReadObjectOrEmptyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken) =>
        ReadAsync(request, maxBytes, allowEmpty: true, cancellationToken);

    private static async Task<JsonObject> ReadAsync(HttpRequest request, int maxBytes, bool allowEmpty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            throw MatrixError.TooLarge();
        }

        var reader = request.BodyReader;
        var result = await reader.ReadAtLeastAsync(maxBytes + 1, cancellationToken);
        try
        {
            var buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                throw MatrixError.TooLarge();
            }

            return allowEmpty && buffer.IsEmpty ? [] : Parse(buffer);
        }
        finally
        {
            reader.AdvanceTo(result.Buffer.End);
        }
    }

    /// <summary>Parses UTF-8 bytes as a JSON object, with the same errors as <see cref="ReadObjectAsync"/>.</summary>
    public static JsonObject Parse(ReadOnlySequence<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            throw MatrixError.NotJson("The request body is empty; a JSON object was expected.");
        }

        JsonNode? node;
        try
        {
            // Bodies are at most a few MB: one copy to a contiguous buffer is cheaper than a segmented parse.
            node = utf8.IsSingleSegment
                ? JsonNode.Parse(utf8.FirstSpan, documentOptions: DocumentOptions)
                : JsonNode.Parse(utf8.ToArray(), documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            throw MatrixError.NotJson("The request body is not valid JSON: " + FirstLine(e.Message));
        }

        return node as JsonObject ?? throw MatrixError.BadJson("The request body must be a JSON object.");
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
