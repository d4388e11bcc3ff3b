using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Profiles;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Profiles" (profile.yaml), with the v1.16+ per-field endpoints.</summary>
internal static class ProfileEndpoints
{
    public static void MapProfileEndpoints(this RouteGroupBuilder client)
    {
        // Reading a profile needs no access token (profile.yaml has no security on the GETs).
        client.MapGet("/profile/{userId}", GetProfile);
        client.MapGet("/profile/{userId}/{keyName}", GetField);
        client.MapPut("/profile/{userId}/{keyName}", SetField).RequireAccessToken();
        client.MapDelete("/profile/{userId}/{keyName}", DeleteField).RequireAccessToken();
    }

    /// <summary>GET /profile/{userId} — every profile field.</summary>
    private static Task<JsonObject> GetProfile(string userId, ProfileService profiles, CancellationToken cancellationToken) =>
        profiles.GetProfileAsync(userId, cancellationToken);

    /// <summary>GET /profile/{userId}/{keyName} — one field, as <c>{keyName: value}</c>.</summary>
    private static Task<JsonObject> GetField(string userId, string keyName, ProfileService profiles, CancellationToken cancellationToken) =>
        profiles.GetFieldAsync(userId, keyName, cancellationToken);

    /// <summary>PUT /profile/{userId}/{keyName} — sets one field of the requester's own profile.</summary>
    private static async Task<EmptyResponse> SetField(
        string userId, string keyName, HttpRequest request, RequestContext context, RanvierOptions options, ProfileService profiles, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await profiles.SetFieldAsync(context, userId, keyName, body, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>DELETE /profile/{userId}/{keyName} — removes one field (200 whether or not it was set).</summary>
    private static async Task<EmptyResponse> DeleteField(
        string userId, string keyName, RequestContext context, ProfileService profiles, CancellationToken cancellationToken)
    {
        await profiles.DeleteFieldAsync(context, userId, keyName, cancellationToken);
        return EmptyResponse.Instance;
    }
}
