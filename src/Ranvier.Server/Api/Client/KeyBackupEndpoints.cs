using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.KeyBackup;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Server-side key backups" (key_backup.yaml): backup versions and the keys in them.</summary>
internal static class KeyBackupEndpoints
{
    public static void MapKeyBackupEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/room_keys/version", CreateVersion).RequireAccessToken();
        client.MapGet("/room_keys/version", GetCurrentVersion).RequireAccessToken();
        client.MapGet("/room_keys/version/{version}", GetVersion).RequireAccessToken();
        client.MapPut("/room_keys/version/{version}", UpdateVersion).RequireAccessToken();
        client.MapDelete("/room_keys/version/{version}", DeleteVersion).RequireAccessToken();

        // The three shapes of /room_keys/keys differ only in how much of the backup they address.
        client.MapPut("/room_keys/keys", PutAll).RequireAccessToken();
        client.MapPut("/room_keys/keys/{roomId}", PutRoom).RequireAccessToken();
        client.MapPut("/room_keys/keys/{roomId}/{sessionId}", PutSession).RequireAccessToken();
        client.MapGet("/room_keys/keys", GetAll).RequireAccessToken();
        client.MapGet("/room_keys/keys/{roomId}", GetRoom).RequireAccessToken();
        client.MapGet("/room_keys/keys/{roomId}/{sessionId}", GetSession).RequireAccessToken();
        client.MapDelete("/room_keys/keys", DeleteAll).RequireAccessToken();
        client.MapDelete("/room_keys/keys/{roomId}", DeleteRoom).RequireAccessToken();
        client.MapDelete("/room_keys/keys/{roomId}/{sessionId}", DeleteSession).RequireAccessToken();
    }

    /// <summary>POST /room_keys/version.</summary>
    private static async Task<JsonObject> CreateVersion(
        HttpRequest request, RequestContext context, RanvierOptions options, KeyBackupService backups, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return await backups.CreateVersionAsync(context, body, cancellationToken);
    }

    /// <summary>GET /room_keys/version: the current version.</summary>
    private static Task<JsonObject> GetCurrentVersion(RequestContext context, KeyBackupService backups, CancellationToken cancellationToken) =>
        backups.GetVersionAsync(context, null, cancellationToken);

    /// <summary>GET /room_keys/version/{version}.</summary>
    private static Task<JsonObject> GetVersion(string version, RequestContext context, KeyBackupService backups, CancellationToken cancellationToken) =>
        backups.GetVersionAsync(context, version, cancellationToken);

    /// <summary>PUT /room_keys/version/{version}.</summary>
    private static async Task<EmptyResponse> UpdateVersion(
        string version, HttpRequest request, RequestContext context, RanvierOptions options, KeyBackupService backups, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await backups.UpdateVersionAsync(context, version, body, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>DELETE /room_keys/version/{version}.</summary>
    private static async Task<EmptyResponse> DeleteVersion(string version, RequestContext context, KeyBackupService backups, CancellationToken cancellationToken)
    {
        await backups.DeleteVersionAsync(context, version, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>PUT /room_keys/keys?version=.</summary>
    private static Task<JsonObject> PutAll(
        [FromQuery] string? version, HttpRequest request, RequestContext context, RanvierOptions options, KeyBackupService backups, CancellationToken cancellationToken) =>
        PutKeys(request, new KeyBackupScope(version), context, options, backups, cancellationToken);

    /// <summary>PUT /room_keys/keys/{roomId}?version=.</summary>
    private static Task<JsonObject> PutRoom(
        string roomId, [FromQuery] string? version, HttpRequest request, RequestContext context, RanvierOptions options, KeyBackupService backups,
        CancellationToken cancellationToken) =>
        PutKeys(request, new KeyBackupScope(version, roomId), context, options, backups, cancellationToken);

    /// <summary>PUT /room_keys/keys/{roomId}/{sessionId}?version=.</summary>
    private static Task<JsonObject> PutSession(
        string roomId, string sessionId, [FromQuery] string? version, HttpRequest request, RequestContext context, RanvierOptions options,
        KeyBackupService backups, CancellationToken cancellationToken) =>
        PutKeys(request, new KeyBackupScope(version, roomId, sessionId), context, options, backups, cancellationToken);

    /// <summary>GET /room_keys/keys?version=.</summary>
    private static Task<JsonObject> GetAll([FromQuery] string? version, RequestContext context, KeyBackupService backups, CancellationToken cancellationToken) =>
        backups.GetKeysAsync(context, new KeyBackupScope(version), cancellationToken);

    /// <summary>GET /room_keys/keys/{roomId}?version=.</summary>
    private static Task<JsonObject> GetRoom(
        string roomId, [FromQuery] string? version, RequestContext context, KeyBackupService backups, CancellationToken cancellationToken) =>
        backups.GetKeysAsync(context, new KeyBackupScope(version, roomId), cancellationToken);

    /// <summary>GET /room_keys/keys/{roomId}/{sessionId}?version=.</summary>
    private static Task<JsonObject> GetSession(
        string roomId, string sessionId, [FromQuery] string? version, RequestContext context, KeyBackupService backups, CancellationToken cancellationToken) =>
        backups.GetKeysAsync(context, new KeyBackupScope(version, roomId, sessionId), cancellationToken);

    /// <summary>DELETE /room_keys/keys?version=.</summary>
    private static Task<JsonObject> DeleteAll([FromQuery] string? version, RequestContext context, KeyBackupService backups, CancellationToken cancellationToken) =>
        backups.DeleteKeysAsync(context, new KeyBackupScope(version), cancellationToken);

    /// <summary>DELETE /room_keys/keys/{roomId}?version=.</summary>
    private static Task<JsonObject> DeleteRoom(
        string roomId, [FromQuery] string? version, RequestContext context, KeyBackupService backups, CancellationToken cancellationToken) =>
        backups.DeleteKeysAsync(context, new KeyBackupScope(version, roomId), cancellationToken);

    /// <summary>DELETE /room_keys/keys/{roomId}/{sessionId}?version=.</summary>
    private static Task<JsonObject> DeleteSession(
        string roomId, string sessionId, [FromQuery] string? version, RequestContext context, KeyBackupService backups, CancellationToken cancellationToken) =>
        backups.DeleteKeysAsync(context, new KeyBackupScope(version, roomId, sessionId), cancellationToken);

    private static async Task<JsonObject> PutKeys(
        HttpRequest request, KeyBackupScope scope, RequestContext context, RanvierOptions options, KeyBackupService backups, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return await backups.PutKeysAsync(context, scope, body, cancellationToken);
    }
}
