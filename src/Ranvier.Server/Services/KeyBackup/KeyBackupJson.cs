using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Http;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.KeyBackup;

/// <summary>
/// Reads and writes the key backup bodies of key_backup.yaml: KeyBackupData (one session), RoomKeyBackup (a room's
/// <c>sessions</c>) and the <c>rooms</c> map. Reading validates everything, so a bad body is refused before any write.
/// </summary>
internal static class KeyBackupJson
{
    /// <summary>The <c>rooms</c> map of PUT /room_keys/keys: room ID → RoomKeyBackup.</summary>
    public static List<BackedUpRoomKey> ReadRooms(JsonObject body)
    {
        var rooms = JsonFields.OptionalObject(body, "rooms") ?? throw MatrixError.MissingParam("'rooms' is required");
        var keys = new List<BackedUpRoomKey>();
        foreach (var (roomId, room) in rooms)
        {
            CheckRoomId(roomId);
            keys.AddRange(ReadRoom(room as JsonObject ?? throw MatrixError.BadJson($"rooms[{roomId}] must be an object"), roomId));
        }

        return keys;
    }

    /// <summary>A RoomKeyBackup: <c>sessions</c>, session ID → KeyBackupData.</summary>
    public static List<BackedUpRoomKey> ReadRoom(JsonObject room, string roomId)
    {
        var sessions = JsonFields.OptionalObject(room, "sessions") ?? throw MatrixError.MissingParam($"'sessions' is required for {roomId}");
        var keys = new List<BackedUpRoomKey>(sessions.Count);
        foreach (var (sessionId, data) in sessions)
        {
            keys.Add(ReadSession(data as JsonObject ?? throw MatrixError.BadJson($"sessions[{sessionId}] must be an object"), roomId, sessionId));
        }

        return keys;
    }

    /// <summary>One KeyBackupData: all four fields are required; the counters are non-negative integers.</summary>
    public static BackedUpRoomKey ReadSession(JsonObject data, string roomId, string sessionId)
    {
        CheckSessionId(sessionId);
        var firstMessageIndex = RequiredCount(data, "first_message_index");
        var forwardedCount = RequiredCount(data, "forwarded_count");
        if (data["is_verified"] is null)
        {
            throw MatrixError.MissingParam("'is_verified' is required");
        }

        var isVerified = JsonFields.OptionalBool(data, "is_verified");
        var sessionData = JsonFields.OptionalObject(data, "session_data") ?? throw MatrixError.MissingParam("'session_data' is required");
        return new BackedUpRoomKey(roomId, sessionId, firstMessageIndex, forwardedCount, isVerified, StoredJson.Write(sessionData));
    }

    public static void CheckRoomId(string roomId)
    {
        if (!RoomId.TryParse(roomId, out _, out var error))
        {
            throw MatrixError.InvalidParam($"Invalid room ID '{roomId}': {error}");
        }
    }

    public static void CheckSessionId(string sessionId)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            throw MatrixError.InvalidParam("A session ID must not be empty");
        }
    }

    /// <summary>KeyBackupData as served.</summary>
    public static JsonObject WriteSession(BackedUpRoomKey key) => new()
    {
        ["first_message_index"] = key.FirstMessageIndex,
        ["forwarded_count"] = key.ForwardedCount,
        ["is_verified"] = key.IsVerified,
        ["session_data"] = StoredJson.Read(key.SessionDataJson),
    };

    /// <summary>Session ID → KeyBackupData for keys of one room.</summary>
    public static JsonObject WriteSessions(IEnumerable<BackedUpRoomKey> keys)
    {
        var sessions = new JsonObject();
        foreach (var key in keys)
        {
            sessions[key.SessionId] = WriteSession(key);
        }

        return sessions;
    }

    /// <summary>Room ID → RoomKeyBackup; rooms without keys are left out.</summary>
    public static JsonObject WriteRooms(IEnumerable<BackedUpRoomKey> keys)
    {
        var rooms = new JsonObject();
        foreach (var room in keys.GroupBy(k => k.RoomId, StringComparer.Ordinal))
        {
            rooms[room.Key] = new JsonObject { ["sessions"] = WriteSessions(room) };
        }

        return rooms;
    }

    private static long RequiredCount(JsonObject data, string name) => data[name] switch
    {
        null => throw MatrixError.MissingParam($"'{name}' is required"),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) =>
            n >= 0 ? n : throw MatrixError.InvalidParam($"'{name}' must not be negative"),
        _ => throw MatrixError.BadJson($"'{name}' must be an integer"),
    };
}
