using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Filters;

/// <summary>
/// Validates a filter's JSON against the spec's schema and builds the typed <see cref="Filter"/>. A value of
/// the wrong JSON type is 400 M_BAD_JSON; a value of the right type that is not allowed (a negative limit, an
/// invalid user or room ID, an unknown event_format) is 400 M_INVALID_PARAM. Unknown keys are ignored, so
/// filters written for later spec versions still work.
/// </summary>
public static class FilterParser
{
    public static Filter Parse(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new Filter
        {
            EventFields = StringList(json, "event_fields", "event_fields", EventField),
            EventFormat = Format(json),
            Presence = EventFilterOf(Object(json, "presence", "presence"), "presence"),
            AccountData = EventFilterOf(Object(json, "account_data", "account_data"), "account_data"),
            Room = RoomFilterOf(Object(json, "room", "room")),
        };
    }

    /// <summary>A RoomEventFilter on its own, as /messages and /context take it in their <c>filter</c> parameter.</summary>
    public static RoomEventFilter ParseRoomEventFilter(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return RoomEventFilterOf(json, "filter");
    }

    private static RoomFilter RoomFilterOf(JsonObject? json)
    {
        if (json is null)
        {
            return new RoomFilter();
        }

        return new RoomFilter
        {
            Rooms = StringList(json, "rooms", "room.rooms", RoomIdValue),
            NotRooms = StringList(json, "not_rooms", "room.not_rooms", RoomIdValue),
            IncludeLeave = Bool(json, "include_leave", "room.include_leave") ?? false,
            Ephemeral = RoomEventFilterOf(Object(json, "ephemeral", "room.ephemeral"), "room.ephemeral"),
            State = RoomEventFilterOf(Object(json, "state", "room.state"), "room.state"),
            Timeline = RoomEventFilterOf(Object(json, "timeline", "room.timeline"), "room.timeline"),
            AccountData = RoomEventFilterOf(Object(json, "account_data", "room.account_data"), "room.account_data"),
        };
    }

    private static RoomEventFilter RoomEventFilterOf(JsonObject? json, string path)
    {
        if (json is null)
        {
            return new RoomEventFilter();
        }

        var basic = EventFilterOf(json, path);
        return new RoomEventFilter
        {
            Limit = basic.Limit,
            Types = basic.Types,
            NotTypes = basic.NotTypes,
            Senders = basic.Senders,
            NotSenders = basic.NotSenders,
            Rooms = StringList(json, "rooms", path + ".rooms", RoomIdValue),
            NotRooms = StringList(json, "not_rooms", path + ".not_rooms", RoomIdValue),
            ContainsUrl = Bool(json, "contains_url", path + ".contains_url"),
            LazyLoadMembers = Bool(json, "lazy_load_members", path + ".lazy_load_members") ?? false,
            IncludeRedundantMembers = Bool(json, "include_redundant_members", path + ".include_redundant_members") ?? false,
            UnreadThreadNotifications = Bool(json, "unread_thread_notifications", path + ".unread_thread_notifications") ?? false,
        };
    }

    private static EventFilter EventFilterOf(JsonObject? json, string path)
    {
        if (json is null)
        {
            return new EventFilter();
        }

        return new EventFilter
        {
            Limit = Limit(json, path + ".limit"),
            Types = StringList(json, "types", path + ".types", null),
            NotTypes = StringList(json, "not_types", path + ".not_types", null),
            Senders = StringList(json, "senders", path + ".senders", UserIdValue),
            NotSenders = StringList(json, "not_senders", path + ".not_senders", UserIdValue),
        };
    }

    private static long? Limit(JsonObject json, string path)
    {
        switch (json["limit"])
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out JsonElement e) && e.TryGetInt64(out var limit):
                return limit >= 0 ? limit : throw MatrixError.InvalidParam($"'{path}' must not be negative");
            default:
                throw MatrixError.BadJson($"'{path}' must be an integer");
        }
    }

    private static EventFormat Format(JsonObject json) => json["event_format"] switch
    {
        null => EventFormat.Client,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() switch
        {
            "client" => EventFormat.Client,
            "federation" => EventFormat.Federation,
            var other => throw MatrixError.InvalidParam($"'event_format' must be 'client' or 'federation', not '{other}'"),
        },
        _ => throw MatrixError.BadJson("'event_format' must be a string"),
    };

    private static JsonObject? Object(JsonObject json, string name, string path) => json[name] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw MatrixError.BadJson($"'{path}' must be an object"),
    };

    private static bool? Bool(JsonObject json, string name, string path) => json[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw MatrixError.BadJson($"'{path}' must be a boolean"),
    };

    /// <summary>An array of strings; <paramref name="check"/> returns why an entry is invalid (M_INVALID_PARAM), or null.</summary>
    private static List<string>? StringList(JsonObject json, string name, string path, Func<string, string?>? check)
    {
        if (json[name] is null)
        {
            return null;
        }

        if (json[name] is not JsonArray array)
        {
            throw MatrixError.BadJson($"'{path}' must be an array of strings");
        }

        var list = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                throw MatrixError.BadJson($"'{path}' must be an array of strings");
            }

            var value = v.GetValue<string>();
            if (check?.Invoke(value) is { } problem)
            {
                throw MatrixError.InvalidParam($"'{path}' has an invalid entry '{value}': {problem}");
            }

            list.Add(value);
        }

        return list;
    }

    private static string? UserIdValue(string value) => UserId.TryParse(value, out _, out var error) ? null : error;

    private static string? RoomIdValue(string value) => RoomId.TryParse(value, out _, out var error) ? null : error;

    // A dot-separated property path (spec: appendices "Dot-separated property paths"): no empty segments; an
    // escaped dot or backslash is part of a name.
    private static string? EventField(string value)
    {
        var names = value.Replace(@"\\", "x", StringComparison.Ordinal).Replace(@"\.", "x", StringComparison.Ordinal);
        return names.Split('.').Any(n => n.Length == 0) ? "a dot-separated path of non-empty field names is expected" : null;
    }
}
