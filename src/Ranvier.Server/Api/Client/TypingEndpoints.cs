using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Typing;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API typing notifications (typing.yaml).</summary>
internal static class TypingEndpoints
{
    /// <summary>The timeout when a client says it is typing without one (the spec's example value).</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static void MapTypingEndpoints(this RouteGroupBuilder client) =>
        client.MapPut("/rooms/{roomId}/typing/{userId}", SetTyping).RequireAccessToken();

    /// <summary>PUT /rooms/{roomId}/typing/{userId} with <c>typing</c> (required) and <c>timeout</c> in milliseconds.</summary>
    private static async Task<EmptyResponse> SetTyping(
        string roomId, string userId, HttpRequest request, RequestContext context, RanvierOptions options, TypingService typing, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        if (body["typing"] is null)
        {
            throw MatrixError.MissingParam("'typing' is required");
        }

        var isTyping = JsonFields.OptionalBool(body, "typing");
        var timeout = body["timeout"] switch
        {
            null => DefaultTimeout,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long ms) && ms >= 0 => TimeSpan.FromMilliseconds(Math.Min(ms, (long)TypingService.MaxTimeout.TotalMilliseconds)),
            _ => throw MatrixError.BadJson("'timeout' must be a non-negative integer number of milliseconds"),
        };
        await typing.SetAsync(context, roomId, userId, isTyping, timeout, cancellationToken);
        return EmptyResponse.Instance;
    }
}
