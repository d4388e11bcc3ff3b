using System.Collections.Frozen;
using System.Text;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.UserData;

namespace Ranvier.Server.Services.AccountData;

/// <summary>
/// Account data (spec: client-server API, "Client Config"): per-user JSON objects by type, global or per room.
/// Each write takes a position on the global stream, so /sync can deliver what changed after a position.
/// </summary>
public sealed class AccountDataService(IUserDataStore store, StreamNotifier notifier, SyncChangeIndex syncChanges)
{
    /// <summary>Event types longer than this (UTF-8 bytes) are refused, as for event types in rooms.</summary>
    public const int MaxTypeBytes = 255;

    /// <summary>Types the server manages; "Server Behaviour" says setting them is refused with 405 (global and per room).</summary>
    private static readonly FrozenSet<string> ServerManagedTypes = FrozenSet.Create(StringComparer.Ordinal, "m.fully_read", "m.push_rules");

    /// <summary>PUT account data; <paramref name="roomId"/> null for global. Returns the stream position of the write.</summary>
    public async Task<long> SetAsync(RequestContext context, string userId, string? roomId, string type, JsonObject content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var room = Check(context, userId, roomId, type);
        if (ServerManagedTypes.Contains(type))
        {
            throw new MatrixError(StatusCodes.Status405MethodNotAllowed, "M_BAD_JSON", $"Cannot set {type} through this API");
        }

        var position = await store.SetAccountDataAsync(context.UserId, room, type, StoredJson.Write(content), cancellationToken);
        syncChanges.AccountData(position, context.UserId);
        notifier.Advance(position);
        return position;
    }

    /// <summary>
    /// Writes account data of a type the server manages, on the server's own authority (the read markers API sets
    /// m.fully_read this way, the push rules service m.push_rules); the caller has checked the user, room and content. Returns the stream position.
    /// </summary>
    public async Task<long> SetServerManagedAsync(string userId, string? roomId, string type, JsonObject content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var position = await store.SetAccountDataAsync(userId, roomId, type, StoredJson.Write(content), cancellationToken);
        syncChanges.AccountData(position, userId);
        notifier.Advance(position);
        return position;
    }

    /// <summary>GET account data; 404 M_NOT_FOUND when none of this type is stored.</summary>
    public async Task<JsonObject> GetAsync(RequestContext context, string userId, string? roomId, string type, CancellationToken cancellationToken)
    {
        var room = Check(context, userId, roomId, type);
        var json = await store.GetAccountDataAsync(context.UserId, room, type, cancellationToken)
            ?? throw MatrixError.NotFound("Account data not found");
        return (JsonObject)StoredJson.Read(json)!;
    }

    /// <summary>The content JSON of the user's global account data of <paramref name="type"/>, or null.</summary>
    public Task<string?> GetGlobalJsonAsync(string userId, string type, CancellationToken cancellationToken) =>
        store.GetAccountDataAsync(userId, null, type, cancellationToken);

    /// <summary>For /sync: the user's account data (global and per room) written after stream position <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<AccountDataRecord>> ChangedAfterAsync(string userId, long after, CancellationToken cancellationToken) =>
        store.GetAccountDataChangedAfterAsync(userId, after, cancellationToken);

    // The order of the checks: whose data (403), then the room ID (400 M_INVALID_PARAM), then the type.
    private static string? Check(RequestContext context, string userId, string? roomId, string type)
    {
        OwnUser.Require(context, userId, "account data");
        string? room = null;
        if (roomId is not null)
        {
            if (!RoomId.TryParse(roomId, out var parsed, out var error))
            {
                throw MatrixError.InvalidParam($"Invalid room ID: {error}");
            }

            // Any valid room ID is accepted: the spec asks for no membership here, and a client may keep data
            // (tags, read markers) for a room it has left or not yet joined. Only the user's own data is reachable.
            room = parsed.ToString();
        }

        if (type.Length == 0 || Encoding.UTF8.GetByteCount(type) > MaxTypeBytes)
        {
            throw MatrixError.InvalidParam($"The account data type must be 1 to {MaxTypeBytes} bytes long");
        }

        return room;
    }
}
