using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.AccountData;
using Ranvier.Server.Services.Auth;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Client Config" (account-data.yaml): global and per-room account data.</summary>
internal static class AccountDataEndpoints
{
    public static void MapAccountDataEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/user/{userId}/account_data/{type}", GetGlobal).RequireAccessToken();
        client.MapPut("/user/{userId}/account_data/{type}", SetGlobal).RequireAccessToken();
        client.MapGet("/user/{userId}/rooms/{roomId}/account_data/{type}", GetRoom).RequireAccessToken();
        client.MapPut("/user/{userId}/rooms/{roomId}/account_data/{type}", SetRoom).RequireAccessToken();
    }

    /// <summary>GET /user/{userId}/account_data/{type}.</summary>
    private static Task<JsonObject> GetGlobal(string userId, string type, RequestContext context, AccountDataService accountData, CancellationToken cancellationToken) =>
        accountData.GetAsync(context, userId, null, type, cancellationToken);

    /// <summary>PUT /user/{userId}/account_data/{type}.</summary>
    private static Task<EmptyResponse> SetGlobal(
        string userId, string type, HttpRequest request, RequestContext context, RanvierOptions options, AccountDataService accountData, CancellationToken cancellationToken) =>
        SetAsync(userId, null, type, request, context, options, accountData, cancellationToken);

    /// <summary>GET /user/{userId}/rooms/{roomId}/account_data/{type}.</summary>
    private static Task<JsonObject> GetRoom(
        string userId, string roomId, string type, RequestContext context, AccountDataService accountData, CancellationToken cancellationToken) =>
        accountData.GetAsync(context, userId, roomId, type, cancellationToken);

    /// <summary>PUT /user/{userId}/rooms/{roomId}/account_data/{type}.</summary>
    private static Task<EmptyResponse> SetRoom(
        string userId, string roomId, string type, HttpRequest request, RequestContext context, RanvierOptions options, AccountDataService accountData, CancellationToken cancellationToken) =>
        SetAsync(userId, roomId, type, request, context, options, accountData, cancellationToken);

    private static async Task<EmptyResponse> SetAsync(
        string userId, string? roomId, string type, HttpRequest request, RequestContext context, RanvierOptions options, AccountDataService accountData, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await accountData.SetAsync(context, userId, roomId, type, body, cancellationToken);
        return EmptyResponse.Instance;
    }
}
