using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>Room calls the room tests repeat, each asserting success; failures are asserted with the raw HTTP calls.</summary>
public static class RoomClient
{
    public const string V3 = "/_matrix/client/v3";

    private static int _txn;

    public static string Room(string roomId) => $"{V3}/rooms/{Uri.EscapeDataString(roomId)}";

    public static string NextTxnId() => "t" + Interlocked.Increment(ref _txn);

    /// <summary>POST /createRoom with <paramref name="body"/>; returns the room ID.</summary>
    public static async Task<string> CreateRoomAsync(this HttpClient client, string token, string body = "{}")
    {
        var json = await (await client.PostJsonAsync($"{V3}/createRoom", body, token)).ShouldBeOkJsonAsync();
        return json.GetProperty("room_id").GetString()!;
    }

    /// <summary>Sends an m.room.message with a text body; returns the event ID.</summary>
    public static Task<string> SendTextAsync(this HttpClient client, string token, string roomId, string text) =>
        client.SendEventAsync(token, roomId, "m.room.message", JsonSerializer.Serialize(new { msgtype = "m.text", body = text }));

    /// <summary>PUT /send with a fresh transaction ID; returns the event ID.</summary>
    public static async Task<string> SendEventAsync(this HttpClient client, string token, string roomId, string type, string content)
    {
        var json = await (await client.PutJsonAsync($"{Room(roomId)}/send/{type}/{NextTxnId()}", content, token)).ShouldBeOkJsonAsync();
        return json.GetProperty("event_id").GetString()!;
    }

    /// <summary>PUT /state; returns the event ID.</summary>
    public static async Task<string> SetStateAsync(this HttpClient client, string token, string roomId, string type, string stateKey, string content)
    {
        var json = await (await client.PutJsonAsync($"{Room(roomId)}/state/{type}/{Uri.EscapeDataString(stateKey)}", content, token)).ShouldBeOkJsonAsync();
        return json.GetProperty("event_id").GetString()!;
    }

    public static async Task JoinAsync(this HttpClient client, string token, string roomId) =>
        await (await client.PostJsonAsync($"{Room(roomId)}/join", "{}", token)).ShouldBeOkJsonAsync();

    public static async Task LeaveAsync(this HttpClient client, string token, string roomId) =>
        await (await client.PostJsonAsync($"{Room(roomId)}/leave", "{}", token)).ShouldBeOkJsonAsync();

    public static async Task InviteAsync(this HttpClient client, string token, string roomId, string userId) =>
        await (await client.PostJsonAsync($"{Room(roomId)}/invite", JsonSerializer.Serialize(new { user_id = userId }), token)).ShouldBeOkJsonAsync();

    /// <summary>GET /state/{type}/{stateKey}: the content.</summary>
    public static async Task<JsonElement> GetStateContentAsync(this HttpClient client, string token, string roomId, string type, string stateKey = "") =>
        await (await client.GetWithTokenAsync($"{Room(roomId)}/state/{type}/{Uri.EscapeDataString(stateKey)}", token)).ShouldBeOkJsonAsync();
}
