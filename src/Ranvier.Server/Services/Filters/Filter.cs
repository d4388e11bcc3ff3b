namespace Ranvier.Server.Services.Filters;

/// <summary>How events are formatted in responses (spec: Filter.event_format).</summary>
public enum EventFormat
{
    Client = 0,
    Federation = 1,
}

/// <summary>
/// A filter for a list of events (spec: definitions/event_filter.yaml). Null lists mean "no restriction";
/// a <c>*</c> in a type matches any sequence of characters.
/// </summary>
public record EventFilter
{
    /// <summary>The maximum number of events to return; null: the server's default. Callers also cap it.</summary>
    public long? Limit { get; init; }

    public IReadOnlyList<string>? Types { get; init; }

    public IReadOnlyList<string>? NotTypes { get; init; }

    public IReadOnlyList<string>? Senders { get; init; }

    public IReadOnlyList<string>? NotSenders { get; init; }

    /// <summary>Whether an event of this type from this sender passes: not excluded, and included when lists are given.</summary>
    public bool Allows(string type, string sender) =>
        !Matches(NotTypes, type) && (Types is null || Matches(Types, type))
        && !(NotSenders?.Contains(sender, StringComparer.Ordinal) ?? false)
        && (Senders is null || Senders.Contains(sender, StringComparer.Ordinal));

    /// <summary>Whether events of this type pass the type lists (for events without a sender, such as m.typing).</summary>
    public bool AllowsType(string type) => !Matches(NotTypes, type) && (Types is null || Matches(Types, type));

    private static bool Matches(IReadOnlyList<string>? patterns, string type) =>
        patterns is not null && patterns.Any(p => TypePattern.Matches(p, type));
}

/// <summary>A filter for the events of rooms (spec: definitions/room_event_filter.yaml).</summary>
public sealed record RoomEventFilter : EventFilter
{
    public IReadOnlyList<string>? Rooms { get; init; }

    public IReadOnlyList<string>? NotRooms { get; init; }

    /// <summary>True: only events with a <c>url</c> in their content; false: only without; null: either.</summary>
    public bool? ContainsUrl { get; init; }

    /// <summary>Lazy-loading room members (spec: "Lazy-loading room members").</summary>
    public bool LazyLoadMembers { get; init; }

    public bool IncludeRedundantMembers { get; init; }

    public bool UnreadThreadNotifications { get; init; }

    public bool AllowsRoom(string roomId) =>
        !(NotRooms?.Contains(roomId, StringComparer.Ordinal) ?? false) && (Rooms is null || Rooms.Contains(roomId, StringComparer.Ordinal));
}

/// <summary>The room part of a filter (spec: sync_filter.yaml, RoomFilter). Its room lists apply before the inner filters.</summary>
public sealed record RoomFilter
{
    public IReadOnlyList<string>? Rooms { get; init; }

    public IReadOnlyList<string>? NotRooms { get; init; }

    public RoomEventFilter Ephemeral { get; init; } = new();

    public bool IncludeLeave { get; init; }

    public RoomEventFilter State { get; init; } = new();

    public RoomEventFilter Timeline { get; init; } = new();

    public RoomEventFilter AccountData { get; init; } = new();

    public bool AllowsRoom(string roomId) =>
        !(NotRooms?.Contains(roomId, StringComparer.Ordinal) ?? false) && (Rooms is null || Rooms.Contains(roomId, StringComparer.Ordinal));
}

/// <summary>
/// A sync filter (spec: client-server API "Filtering", definitions/sync_filter.yaml), as uploaded with
/// POST /user/{userId}/filter or given inline to /sync. Absent parts are empty filters (no restriction).
/// </summary>
public sealed record Filter
{
    public static readonly Filter Empty = new();

    /// <summary>Dot-separated paths of the event fields to include; null: all fields.</summary>
    public IReadOnlyList<string>? EventFields { get; init; }

    public EventFormat EventFormat { get; init; } = EventFormat.Client;

    public EventFilter Presence { get; init; } = new();

    public EventFilter AccountData { get; init; } = new();

    public RoomFilter Room { get; init; } = new();
}

/// <summary>The <c>*</c> wildcard of event type filters: any sequence of characters, including none.</summary>
internal static class TypePattern
{
    public static bool Matches(string pattern, string value)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return string.Equals(pattern, value, StringComparison.Ordinal);
        }

        // Iterative glob: the last star seen may absorb more characters when a later literal part fails.
        int p = 0, v = 0, starAt = -1, resumeAt = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starAt = p++;
                resumeAt = v;
            }
            else if (p < pattern.Length && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (starAt >= 0)
            {
                p = starAt + 1;
                v = ++resumeAt;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
