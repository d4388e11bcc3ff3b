using System.Text;
using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Sync;

/// <summary>
/// GET /sync for tests (other sync tests reuse it): the call with its parameters, asserting success, and readers for
/// the parts of a response tests look at. Failures are asserted with <see cref="SyncRawAsync"/>.
/// </summary>
public static class SyncClient
{
    /// <summary>GET /sync with the given parameters (null ones left out).</summary>
    public static Task<HttpResponseMessage> SyncRawAsync(
        this HttpClient client, string token, string? since = null, string? filter = null, long? timeout = null, bool fullState = false,
        string? extraQuery = null)
    {
        var query = new StringBuilder("?");
        if (since is not null)
        {
            query.Append("since=").Append(Uri.EscapeDataString(since)).Append('&');
        }

        if (filter is not null)
        {
            query.Append("filter=").Append(Uri.EscapeDataString(filter)).Append('&');
        }

        if (timeout is { } t)
        {
            query.Append("timeout=").Append(t).Append('&');
        }

        if (fullState)
        {
            query.Append("full_state=true&");
        }

        if (extraQuery is not null)
        {
            query.Append(extraQuery);
        }

        return client.GetWithTokenAsync($"{RoomClient.V3}/sync{query.ToString().TrimEnd('&', '?')}", token);
    }

    /// <summary>GET /sync asserting 200; returns the body.</summary>
    public static async Task<JsonElement> SyncAsync(
        this HttpClient client, string token, string? since = null, string? filter = null, long? timeout = null, bool fullState = false,
        string? extraQuery = null) =>
        await (await client.SyncRawAsync(token, since, filter, timeout, fullState, extraQuery)).ShouldBeOkJsonAsync();

    public static string NextBatch(this JsonElement sync) => sync.GetProperty("next_batch").GetString()!;

    /// <summary>rooms.{section}.{roomId}, or null when the room is not in that section.</summary>
    public static JsonElement? Room(this JsonElement sync, string roomId, string section = "join") =>
        sync.TryGetProperty("rooms", out var rooms) && rooms.TryGetProperty(section, out var sectionJson)
        && sectionJson.TryGetProperty(roomId, out var room) ? room : null;

    /// <summary>rooms.{section}.{roomId}, asserting it is there.</summary>
    public static JsonElement RequireRoom(this JsonElement sync, string roomId, string section = "join") =>
        sync.Room(roomId, section) ?? throw new ShouldAssertException($"{roomId} is not in rooms.{section}: {sync}");

    /// <summary>The events of a room's timeline.</summary>
    public static IReadOnlyList<JsonElement> Timeline(this JsonElement room) =>
        [.. room.GetProperty("timeline").GetProperty("events").EnumerateArray()];

    /// <summary>The event IDs of a room's timeline.</summary>
    public static IReadOnlyList<string> TimelineIds(this JsonElement room) =>
        [.. room.Timeline().Select(e => e.GetProperty("event_id").GetString()!)];

    /// <summary>The events of one of a room's event lists (state, state_after, account_data, ephemeral, invite_state…); empty when absent.</summary>
    public static IReadOnlyList<JsonElement> Events(this JsonElement room, string part) =>
        room.TryGetProperty(part, out var json) && json.TryGetProperty("events", out var events) ? [.. events.EnumerateArray()] : [];

    /// <summary>The (type, state_key) pairs of a room's state list.</summary>
    public static IReadOnlyList<(string Type, string StateKey)> StateKeys(this JsonElement room, string part = "state") =>
        [.. room.Events(part).Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("state_key").GetString()!))];

    /// <summary>Global account data events of the response.</summary>
    public static IReadOnlyList<JsonElement> AccountData(this JsonElement sync) => sync.Events("account_data");
}
