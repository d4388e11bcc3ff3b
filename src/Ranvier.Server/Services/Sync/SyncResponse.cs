using System.Text.Json.Nodes;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// A /sync response being assembled (spec: GET /_matrix/client/v3/sync, 200 response). The sync service builds the
/// room sections and account data; <see cref="ISyncContributor"/>s add the rest. Events are client-format JSON
/// objects, already filtered and shaped for the requesting user. Empty parts are left out when written.
/// </summary>
public sealed class SyncResponse(SyncToken nextBatch)
{
    public SyncToken NextBatch { get; } = nextBatch;

    /// <summary>Global account data events (<c>account_data.events</c>).</summary>
    public JsonArray AccountData { get; } = [];

    /// <summary><c>m.presence</c> events (<c>presence.events</c>).</summary>
    public JsonArray Presence { get; } = [];

    /// <summary>To-device events for the requesting device (<c>to_device.events</c>).</summary>
    public JsonArray ToDevice { get; } = [];

    /// <summary><c>device_lists.changed</c>.</summary>
    public SortedSet<string> DeviceListsChanged { get; } = new(StringComparer.Ordinal);

    /// <summary><c>device_lists.left</c>.</summary>
    public SortedSet<string> DeviceListsLeft { get; } = new(StringComparer.Ordinal);

    /// <summary><c>device_one_time_keys_count</c>; null until end-to-end encryption fills it.</summary>
    public Dictionary<string, long>? OneTimeKeysCount { get; set; }

    /// <summary><c>device_unused_fallback_key_types</c>; null until end-to-end encryption fills it.</summary>
    public List<string>? UnusedFallbackKeyTypes { get; set; }

    public Dictionary<string, JoinedRoomSync> Join { get; } = new(StringComparer.Ordinal);

    /// <summary>Invited rooms: the stripped state events of each invite (<c>invite_state.events</c>).</summary>
    public Dictionary<string, JsonArray> Invite { get; } = new(StringComparer.Ordinal);

    /// <summary>Knocked rooms: the stripped state events of each knock (<c>knock_state.events</c>).</summary>
    public Dictionary<string, JsonArray> Knock { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, LeftRoomSync> Leave { get; } = new(StringComparer.Ordinal);

    /// <summary>The joined room's section, added when this is the first thing to report for it.</summary>
    public JoinedRoomSync Joined(string roomId)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        if (!Join.TryGetValue(roomId, out var room))
        {
            room = new JoinedRoomSync();
            Join.Add(roomId, room);
        }

        return room;
    }

    /// <summary>True when there is nothing to tell the client: a long-polling sync keeps waiting.</summary>
    public bool IsEmpty =>
        AccountData.Count == 0 && Presence.Count == 0 && ToDevice.Count == 0
        && DeviceListsChanged.Count == 0 && DeviceListsLeft.Count == 0
        && Invite.Count == 0 && Knock.Count == 0 && Leave.Count == 0
        && Join.Values.All(room => room.IsEmpty);
}

/// <summary>The timeline part of a room section (spec: Timeline).</summary>
public sealed class TimelineSync
{
    public JsonArray Events { get; } = [];

    /// <summary>True when events between the since token and the first event here were left out.</summary>
    public bool Limited { get; set; }

    /// <summary>A token /messages continues backwards from, to fill the gap before <see cref="Events"/>.</summary>
    public string? PrevBatch { get; set; }
}

/// <summary>One joined room in a sync response (spec: Joined Room).</summary>
public sealed class JoinedRoomSync
{
    public TimelineSync Timeline { get; } = new();

    /// <summary>State before the timeline (<c>state.events</c>).</summary>
    public JsonArray State { get; } = [];

    /// <summary>State after the timeline (<c>state_after.events</c>), when the client asked for it; else null.</summary>
    public JsonArray? StateAfter { get; set; }

    public JsonArray AccountData { get; } = [];

    /// <summary>Ephemeral events: <c>m.typing</c>, <c>m.receipt</c> (<c>ephemeral.events</c>).</summary>
    public JsonArray Ephemeral { get; } = [];

    /// <summary>The room summary (<c>m.heroes</c>, joined and invited member counts); null when unchanged.</summary>
    public JsonObject? Summary { get; set; }

    /// <summary><c>unread_notifications</c>: highlight and notification counts; filled by push rules.</summary>
    public JsonObject? UnreadNotifications { get; set; }

    /// <summary><c>unread_thread_notifications</c>, per thread root; filled by push rules.</summary>
    public JsonObject? UnreadThreadNotifications { get; set; }

    /// <summary>Nothing new in the room for this user (counts alone do not make a room worth waking for).</summary>
    public bool IsEmpty =>
        Timeline.Events.Count == 0 && State.Count == 0 && (StateAfter is null || StateAfter.Count == 0)
        && AccountData.Count == 0 && Ephemeral.Count == 0;
}

/// <summary>One left (or banned-from) room in a sync response (spec: Left Room).</summary>
public sealed class LeftRoomSync
{
    public TimelineSync Timeline { get; } = new();

    public JsonArray State { get; } = [];

    public JsonArray? StateAfter { get; set; }

    public JsonArray AccountData { get; } = [];
}
