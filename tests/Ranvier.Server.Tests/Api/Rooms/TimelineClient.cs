using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>Timeline reads the timeline tests repeat: /messages, /context and /event, plus their results as event IDs or bodies.</summary>
public static class TimelineClient
{
    public static string MessagesPath(string roomId, string query) => $"{RoomClient.Room(roomId)}/messages?{query}";

    /// <summary>GET /messages with a raw query string; asserts success.</summary>
    public static async Task<JsonElement> MessagesAsync(this HttpClient client, string token, string roomId, string query) =>
        await (await client.GetWithTokenAsync(MessagesPath(roomId, query), token)).ShouldBeOkJsonAsync();

    /// <summary>GET /context with a raw query string; asserts success.</summary>
    public static async Task<JsonElement> ContextAsync(this HttpClient client, string token, string roomId, string eventId, string query = "") =>
        await (await client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/context/{Uri.EscapeDataString(eventId)}?{query}", token)).ShouldBeOkJsonAsync();

    public static Task<HttpResponseMessage> GetEventResponseAsync(this HttpClient client, string token, string roomId, string eventId) =>
        client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/event/{Uri.EscapeDataString(eventId)}", token);

    /// <summary>
    /// Every event <paramref name="token"/> can page to from the end of the room backwards, newest first, following
    /// <c>end</c> until it is absent.
    /// </summary>
    public static async Task<List<JsonElement>> AllBackwardsAsync(this HttpClient client, string token, string roomId, int limit = 50, string extra = "")
    {
        var events = new List<JsonElement>();
        var query = $"dir=b&limit={limit}{extra}";
        while (true)
        {
            var page = await client.MessagesAsync(token, roomId, query);
            events.AddRange(page.GetProperty("chunk").EnumerateArray());
            if (!page.TryGetProperty("end", out var end))
            {
                return events;
            }

            query = $"dir=b&limit={limit}{extra}&from={Uri.EscapeDataString(end.GetString()!)}";
        }
    }

    public static string[] Ids(this IEnumerable<JsonElement> events) => events.Select(e => e.GetProperty("event_id").GetString()!).ToArray();

    public static string[] Ids(this JsonElement array) => array.EnumerateArray().Ids();

    /// <summary>The bodies of the m.room.message events, in order.</summary>
    public static string[] Bodies(this IEnumerable<JsonElement> events) =>
        events.Where(e => e.GetProperty("type").GetString() == "m.room.message").Select(e => e.GetProperty("content").GetProperty("body").GetString()!).ToArray();

    public static string[] Bodies(this JsonElement array) => array.EnumerateArray().Bodies();

    public static string Filter(string json) => "&filter=" + Uri.EscapeDataString(json);
}
