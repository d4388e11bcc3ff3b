using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>Alias and directory calls the directory tests repeat; failures are asserted with the raw HTTP calls.</summary>
public static class DirectoryClient
{
    public static string AliasPath(string alias) => $"{RoomClient.V3}/directory/room/{Uri.EscapeDataString(alias)}";

    public static string VisibilityPath(string roomId) => $"{RoomClient.V3}/directory/list/room/{Uri.EscapeDataString(roomId)}";

    public static Task<HttpResponseMessage> PutAliasAsync(this HttpClient client, string? token, string alias, string roomId) =>
        client.PutJsonAsync(AliasPath(alias), JsonSerializer.Serialize(new { room_id = roomId }), token);

    /// <summary>PUT /directory/room/{alias}, asserting success.</summary>
    public static async Task CreateAliasAsync(this HttpClient client, string token, string alias, string roomId) =>
        await (await client.PutAliasAsync(token, alias, roomId)).ShouldBeOkJsonAsync();

    /// <summary>GET /directory/room/{alias} without a token; returns the room ID.</summary>
    public static async Task<string> ResolveAliasAsync(this HttpClient client, string alias) =>
        (await (await client.GetWithTokenAsync(AliasPath(alias), null)).ShouldBeOkJsonAsync()).GetProperty("room_id").GetString()!;

    /// <summary>GET /rooms/{roomId}/aliases, asserting success.</summary>
    public static async Task<string[]> ListAliasesAsync(this HttpClient client, string token, string roomId) =>
        (await (await client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/aliases", token)).ShouldBeOkJsonAsync())
            .GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!).ToArray();

    /// <summary>GET /directory/list/room/{roomId} without a token; returns the visibility.</summary>
    public static async Task<string> GetVisibilityAsync(this HttpClient client, string roomId) =>
        (await (await client.GetWithTokenAsync(VisibilityPath(roomId), null)).ShouldBeOkJsonAsync()).GetProperty("visibility").GetString()!;

    public static Task<HttpResponseMessage> PutVisibilityAsync(this HttpClient client, string? token, string roomId, string body) =>
        client.PutJsonAsync(VisibilityPath(roomId), body, token);
}
