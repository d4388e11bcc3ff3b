using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API "Syncing" (sync.yaml): GET /_matrix/client/v3/sync. Query parameters are read as strings so a
/// malformed one is 400 M_INVALID_PARAM; the response is written straight to the body.
/// </summary>
internal static class SyncEndpoints
{
    public static void MapSyncEndpoints(this RouteGroupBuilder client) =>
        client.MapGet("/sync", Sync).RequireAccessToken().AllowGuests();

    /// <summary>GET /sync: the initial snapshot, or what changed since <c>since</c>, waiting up to <c>timeout</c> ms for news.</summary>
    private static async Task Sync(
        string? since, string? timeout, string? full_state, string? set_presence, string? filter, string? use_state_after,
        HttpContext http, RequestContext context, FilterService filters, SyncService sync, CancellationToken cancellationToken)
    {
        SyncToken? sinceToken = null;
        if (since is not null)
        {
            sinceToken = SyncToken.TryParse(since, out var parsed) ? parsed : throw MatrixError.InvalidParam("since is not a sync token of this server.");
        }

        var request = new SyncRequest(
            context.UserId, context.DeviceId, sinceToken, Bool(full_state, "full_state"),
            await FilterAsync(filter, context.UserId, filters, cancellationToken), Presence(set_presence), context.IsGuest)
        {
            UseStateAfter = Bool(use_state_after, "use_state_after"),
        };
        var response = await sync.SyncAsync(request, Timeout(timeout), cancellationToken);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        await SyncResponseWriter.WriteAsync(response, http.Response.BodyWriter, cancellationToken);
    }

    /// <summary>The <c>filter</c> parameter: inline JSON when it starts with '{', else the ID of a filter this user uploaded.</summary>
    private static async Task<Filter> FilterAsync(string? filter, string userId, FilterService filters, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return Filter.Empty;
        }

        if (filter[0] != '{')
        {
            return await filters.FindAsync(userId, filter, cancellationToken) ?? throw MatrixError.InvalidParam("filter names no filter of this user.");
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(filter);
        }
        catch (JsonException)
        {
            throw MatrixError.InvalidParam("filter is not valid JSON.");
        }

        return json is JsonObject obj ? FilterParser.Parse(obj) : throw MatrixError.InvalidParam("filter must be a JSON object.");
    }

    /// <summary>timeout in milliseconds; absent: 0 (answer at once). The wait itself is capped by <see cref="SyncService.MaxTimeout"/>.</summary>
    private static TimeSpan Timeout(string? timeout)
    {
        if (timeout is null)
        {
            return TimeSpan.Zero;
        }

        if (!long.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            // Huge but well-formed numbers are capped, not refused.
            return timeout.Length > 0 && timeout.All(char.IsAsciiDigit)
                ? SyncService.MaxTimeout
                : throw MatrixError.InvalidParam("timeout must be a non-negative number of milliseconds.");
        }

        return milliseconds >= SyncService.MaxTimeout.TotalMilliseconds ? SyncService.MaxTimeout : TimeSpan.FromMilliseconds(milliseconds);
    }

    private static string? Presence(string? setPresence) => setPresence switch
    {
        null or "online" or "offline" or "unavailable" => setPresence,
        _ => throw MatrixError.InvalidParam("set_presence must be online, offline or unavailable."),
    };

    private static bool Bool(string? value, string name) => value switch
    {
        null or "false" => false,
        "true" => true,
        _ => throw MatrixError.InvalidParam($"{name} must be true or false."),
    };
}
