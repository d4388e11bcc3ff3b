using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.KeyBackup;

/// <summary>
/// Server-side key backups (spec: client-server API "Server-side key backups", key_backup.yaml). The server keeps
/// what clients encrypted and never looks inside: it checks shapes, enforces "keys only go to the current version",
/// and applies the spec's rule for which of two keys of a session to keep (<see cref="BackedUpRoomKey.IsBetterThan"/>).
/// Each user sees only their own backups.
/// </summary>
public sealed class KeyBackupService(IKeyBackupStore store)
{
    /// <summary>The one algorithm spec v1.19 defines; others are stored as given, since clients experiment with new ones.</summary>
    public const string MegolmBackupV1 = "m.megolm_backup.v1.curve25519-aes-sha2";

    /// <summary>POST /room_keys/version: the new version becomes the current one.</summary>
    public async Task<JsonObject> CreateVersionAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (algorithm, authData) = ReadVersionBody(body);
        var version = await store.CreateVersionAsync(context.UserId, algorithm, authData, cancellationToken);
        return new JsonObject { ["version"] = version };
    }

    /// <summary>GET /room_keys/version[/{version}]: the named or current version, 404 when there is none.</summary>
    public async Task<JsonObject> GetVersionAsync(RequestContext context, string? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var found = await store.GetVersionAsync(context.UserId, version, cancellationToken)
            ?? throw MatrixError.NotFound(version is null ? "No current backup version" : "Unknown backup version");
        return new JsonObject
        {
            ["algorithm"] = found.Algorithm,
            ["auth_data"] = StoredJson.Read(found.AuthDataJson),
            ["count"] = found.Count,
            ["etag"] = FormatEtag(found.Etag),
            ["version"] = found.Version,
        };
    }

    /// <summary>PUT /room_keys/version/{version}: only <c>auth_data</c> changes; algorithm and a body <c>version</c> must match.</summary>
    public async Task UpdateVersionAsync(RequestContext context, string version, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (algorithm, authData) = ReadVersionBody(body);
        if (JsonFields.OptionalString(body, "version") is { } named && named != version)
        {
            throw MatrixError.InvalidParam("The version in the body does not match the version in the path");
        }

        switch (await store.UpdateVersionAsync(context.UserId, version, algorithm, authData, cancellationToken))
        {
            case KeyBackupUpdateStatus.UnknownVersion:
                throw MatrixError.NotFound("Unknown backup version");
            case KeyBackupUpdateStatus.AlgorithmMismatch:
                throw MatrixError.InvalidParam("The algorithm does not match the backup's algorithm");
        }
    }

    /// <summary>DELETE /room_keys/version/{version}: idempotent for a version deleted before, 404 for one never created.</summary>
    public async Task DeleteVersionAsync(RequestContext context, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!await store.DeleteVersionAsync(context.UserId, version, cancellationToken))
        {
            throw MatrixError.NotFound("Unknown backup version");
        }
    }

    /// <summary>PUT /room_keys/keys[/{roomId}[/{sessionId}]]?version=: the body is validated whole before anything is stored.</summary>
    public async Task<JsonObject> PutKeysAsync(RequestContext context, KeyBackupScope scope, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(body);
        var version = scope.CheckVersion();
        var keys = scope switch
        {
            { RoomId: { } roomId, SessionId: { } sessionId } => [KeyBackupJson.ReadSession(body, roomId, sessionId)],
            { RoomId: { } roomId } => KeyBackupJson.ReadRoom(body, roomId),
            _ => KeyBackupJson.ReadRooms(body),
        };
        var result = await store.PutKeysAsync(context.UserId, version, keys, cancellationToken);
        return WriteResult(result);
    }

    /// <summary>GET /room_keys/keys[/{roomId}[/{sessionId}]]?version=: empty maps when nothing is stored, 404 for a missing single key.</summary>
    public async Task<JsonObject> GetKeysAsync(RequestContext context, KeyBackupScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scope);
        var version = scope.CheckVersion();
        var keys = await store.GetKeysAsync(context.UserId, version, scope.RoomId, scope.SessionId, cancellationToken)
            ?? throw MatrixError.NotFound("Unknown backup version");
        return scope switch
        {
            { SessionId: not null } => keys.Count == 1 ? KeyBackupJson.WriteSession(keys[0]) : throw MatrixError.NotFound("Key not found"),
            { RoomId: not null } => new JsonObject { ["sessions"] = KeyBackupJson.WriteSessions(keys) },
            _ => new JsonObject { ["rooms"] = KeyBackupJson.WriteRooms(keys) },
        };
    }

    /// <summary>DELETE /room_keys/keys[/{roomId}[/{sessionId}]]?version=: deleting what is not there succeeds.</summary>
    public async Task<JsonObject> DeleteKeysAsync(RequestContext context, KeyBackupScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scope);
        var version = scope.CheckVersion();
        var result = await store.DeleteKeysAsync(context.UserId, version, scope.RoomId, scope.SessionId, cancellationToken);
        return WriteResult(result);
    }

    /// <summary>The RoomKeysUpdateResponse, or the error the store's status means.</summary>
    private static JsonObject WriteResult(KeyBackupWriteResult result) => result.Status switch
    {
        KeyBackupWriteStatus.Done => new JsonObject { ["etag"] = FormatEtag(result.Etag), ["count"] = result.Count },
        KeyBackupWriteStatus.WrongVersion => throw MatrixError.WrongRoomKeysVersion(result.CurrentVersion!),
        _ => throw MatrixError.NotFound("Unknown backup version"),
    };

    private static (string Algorithm, string AuthDataJson) ReadVersionBody(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var algorithm = JsonFields.RequiredString(body, "algorithm");
        if (algorithm.Length == 0)
        {
            throw MatrixError.InvalidParam("'algorithm' must not be empty");
        }

        var authData = JsonFields.OptionalObject(body, "auth_data") ?? throw MatrixError.MissingParam("'auth_data' is required");
        if (algorithm == MegolmBackupV1 && JsonFields.OptionalString(authData, "public_key") is null)
        {
            // Spec "Backup algorithm: m.megolm_backup.v1.curve25519-aes-sha2": the AuthData's public_key is required.
            throw MatrixError.MissingParam("'auth_data.public_key' is required for " + MegolmBackupV1);
        }

        return (algorithm, StoredJson.Write(authData));
    }

    private static string FormatEtag(long etag) => etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// What a /room_keys/keys request addresses: the <c>version</c> query parameter (required), and optionally a room and
/// a session within it (path parameters, validated on construction).
/// </summary>
public sealed record KeyBackupScope
{
    public KeyBackupScope(string? version, string? roomId = null, string? sessionId = null)
    {
        if (roomId is not null)
        {
            KeyBackupJson.CheckRoomId(roomId);
        }

        if (sessionId is not null)
        {
            KeyBackupJson.CheckSessionId(sessionId);
        }

        Version = version;
        RoomId = roomId;
        SessionId = sessionId;
    }

    public string? Version { get; }

    public string? RoomId { get; }

    public string? SessionId { get; }

    /// <summary>The version, or 400 M_MISSING_PARAM when the query lacks it.</summary>
    internal string CheckVersion() =>
        string.IsNullOrEmpty(Version) ? throw MatrixError.MissingParam("The 'version' query parameter is required") : Version;
}
