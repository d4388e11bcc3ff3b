using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Presence;

/// <summary>Presence calls the presence tests repeat.</summary>
public static class PresenceClient
{
    public static string Status(string userId) => $"{RoomClient.V3}/presence/{Uri.EscapeDataString(userId)}/status";

    public static Task<HttpResponseMessage> PutPresenceAsync(this HttpClient client, string token, string userId, string body) =>
        client.PutJsonAsync(Status(userId), body, token);

    /// <summary>PUT /presence/{userId}/status, asserting success.</summary>
    public static async Task SetPresenceAsync(this HttpClient client, string token, string userId, string presence, string? statusMessage = null) =>
        await (await client.PutPresenceAsync(token, userId, JsonSerializer.Serialize(new { presence, status_msg = statusMessage }))).ShouldBeOkJsonAsync();

    /// <summary>GET /presence/{userId}/status, asserting success.</summary>
    public static async Task<JsonElement> GetPresenceAsync(this HttpClient client, string token, string userId) =>
        await (await client.GetWithTokenAsync(Status(userId), token)).ShouldBeOkJsonAsync();
}
