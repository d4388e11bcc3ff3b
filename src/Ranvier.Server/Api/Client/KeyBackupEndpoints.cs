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

        client.MapPut("/room_keys/keys", (HttpRequest r, [FromQuery] string? version, RequestContext c, RanvierOptions o, KeyBackupService b, CancellationToken ct) =>
            PutKeys(r, new KeyBackupScope(version), c, o, b, ct)).RequireAccessToken();
        client.MapPut("/room_keys/keys/{roomId}", (HttpRequest r, string roomId, [FromQuery] string? version, RequestContext c, RanvierOptions o, KeyBackupService b, CancellationToken ct) =>
            PutKeys(r, new KeyBackupScope(version, roomId), c, o, b, ct)).RequireAccessToken();
        client.MapPut("/room_keys/keys/{roomId}/{sessionId}", (HttpRequest r, string roomId, string sessionId, [FromQuery] string? version, RequestContext c, RanvierOptions o, KeyBackupService b, CancellationToken ct) =>
            PutKeys(r, new KeyBackupScope(version, roomId, sessionId), c, o, b, ct)).RequireAccessToken();

        client.MapGet("/room_keys/keys", ([FromQuery] string? version, RequestContext c, KeyBackupService b, CancellationToken ct) =>
            b.GetKeysAsync(c, new KeyBackupScope(version), ct)).RequireAccessToken();
        client.MapGet("/room_keys/keys/{roomId}", (string roomId, [FromQuery] string? version, RequestContext c, KeyBackupService b, CancellationToken ct) =>
            b.GetKeysAsync(c, new KeyBackupScope(version, roomId), ct)).RequireAccessToken();
        client.MapGet("/room_keys/keys/{roomId}/{sessionId}", (string roomId, string sessionId, [FromQuery] string? version, RequestContext c, KeyBackupService b, CancellationToken ct) =>
            b.GetKeysAsync(c, new KeyBackupScope(version, roomId, sessionId), ct)).RequireAccessToken();

        client.MapDelete("/room_keys/keys", ([FromQuery] string? version, RequestContext c, KeyBackupService b, CancellationToken ct) =>
            b.DeleteKeysAsync(c, new KeyBackupScope(version), ct)).RequireAccessToken();
        client.MapDelete("/room_keys/keys/{roomId}", (string roomId, [FromQuery] string? version, RequestContext c, KeyBackupService b, CancellationToken ct) =>
            b.DeleteKeysAsync(c, new KeyBackupScope(version, roomId), ct)).RequireAccessToken();
        client.MapDelete("/room_keys/keys/{roomId}/{sessionId}", (string roomId, string sessionId, [FromQuery] string? version, RequestContext c, KeyBackupService b, CancellationToken ct) =>
            b.DeleteKeysAsync(c, new KeyBackupScope(version, roomId, sessionId), ct)).RequireAccessToken();
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

    /// <summary>PUT /room_keys/keys[/{roomId}[/{sessionId}]]?version=.</summary>
    private static async Task<JsonObject> PutKeys(
        HttpRequest request, KeyBackupScope scope, RequestContext context, RanvierOptions options, KeyBackupService backups, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        return await backups.PutKeysAsync(context, scope, body, cancellationToken);
    }
}
