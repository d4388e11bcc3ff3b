using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>Calls the redaction, relations and threads tests repeat: related events and reads of one event or page.</summary>
public static class RelationsClient
{
    public const string V1 = "/_matrix/client/v1";

    public static string RoomV1(string roomId) => $"{V1}/rooms/{Uri.EscapeDataString(roomId)}";

    public static string Redact(string roomId, string eventId) =>
        $"{RoomClient.Room(roomId)}/redact/{Uri.EscapeDataString(eventId)}/{RoomClient.NextTxnId()}";

    /// <summary>PUT /redact; returns the redaction's event ID.</summary>
    public static async Task<string> RedactAsync(this HttpClient client, string token, string roomId, string eventId, string body = "{}")
    {
        var json = await (await client.PutJsonAsync(Redact(roomId, eventId), body, token)).ShouldBeOkJsonAsync();
        return json.GetProperty("event_id").GetString()!;
    }

    /// <summary>GET /event/{eventId}: the event as the client sees it.</summary>
    public static async Task<JsonElement> GetEventAsync(this HttpClient client, string token, string roomId, string eventId) =>
        await (await client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/event/{Uri.EscapeDataString(eventId)}", token)).ShouldBeOkJsonAsync();

    /// <summary>Sends an m.room.message relating to <paramref name="parent"/> with <paramref name="relType"/>.</summary>
    public static Task<string> SendRelatedAsync(this HttpClient client, string token, string roomId, string relType, string parent, string body) =>
        client.SendEventAsync(token, roomId, "m.room.message", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msgtype"] = "m.text",
            ["body"] = body,
            ["m.relates_to"] = new { rel_type = relType, event_id = parent },
        }));

    /// <summary>Sends an edit of <paramref name="original"/> whose new body is <paramref name="body"/>.</summary>
    public static Task<string> EditAsync(this HttpClient client, string token, string roomId, string original, string body, string type = "m.room.message") =>
        client.SendEventAsync(token, roomId, type, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msgtype"] = "m.text",
            ["body"] = "* " + body,
            ["m.new_content"] = new { msgtype = "m.text", body },
            ["m.relates_to"] = new { rel_type = "m.replace", event_id = original },
        }));

    /// <summary>Sends an m.reaction with <paramref name="key"/>.</summary>
    public static Task<string> ReactAsync(this HttpClient client, string token, string roomId, string parent, string key) =>
        client.SendEventAsync(token, roomId, "m.reaction", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["m.relates_to"] = new { rel_type = "m.annotation", event_id = parent, key },
        }));

    /// <summary>GET a relations or threads path (relative to the room's v1 path) and asserts 200.</summary>
    public static async Task<JsonElement> GetV1Async(this HttpClient client, string token, string roomId, string relative) =>
        await (await client.GetWithTokenAsync(RoomV1(roomId) + relative, token)).ShouldBeOkJsonAsync();

    public static string[] EventIds(this JsonElement chunk) =>
        [.. chunk.EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!)];
}
