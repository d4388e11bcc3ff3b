using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// The effective power levels of a room: the content of its <c>m.room.power_levels</c> event with the spec's
/// defaults filled in, plus the room creators (spec: client-server API, <c>m.room.power_levels</c>; server-server
/// API, "Definitions"). Without a power-levels event every user has 0 except the creator, who has 100
/// (v1–v11); in v12 the creators have <see cref="CreatorLevel"/> whether or not the event exists.
/// Defaults: users_default 0, events_default 0, state_default 50, ban/kick/redact 50, invite 0,
/// notifications.room 50. (Older spec text made state_default 0 when no event exists; v1.19 says 50 in both
/// cases, as Synapse does, and only the creator could pass it then anyway.)
/// </summary>
public sealed class PowerLevels
{
    /// <summary>The level of a v12 room creator: above every level an event can state (those are within ±(2^53−1)).</summary>
    public const long CreatorLevel = long.MaxValue;

    /// <summary>The creator's level in v1–v11 while the room has no power-levels event.</summary>
    public const long ImplicitCreatorLevel = 100;

    /// <summary>The top-level integer keys, in the order the auth rules list them.</summary>
    internal static readonly string[] NamedLevelKeys = ["users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"];

    private static readonly FrozenDictionary<string, long> s_defaults = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["users_default"] = 0,
        ["events_default"] = 0,
        ["state_default"] = 50,
        ["ban"] = 50,
        ["redact"] = 50,
        ["kick"] = 50,
        ["invite"] = 0,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Parsed levels per power-levels event (events are immutable), for the create event they were read with.
    // State resolution and every incoming event read the same few power-levels events over and over. Measured
    // with bench/ForkedRoom (1,000 members, 100 listed users, short job, 2 cores): an auth check went from
    // 3.3 µs / 4.5 KB to 0.18 µs / 64 B; resolving two forks (3,054 events, v10) from 15.9 ms / 14.1 MB to
    // 5.6 ms / 5.1 MB.
    // Weak keys: an entry lives as long as its event.
    private static readonly ConditionalWeakTable<Pdu, ParsedEvent> s_parsed = new();

    // Plain dictionaries, not frozen ones: a power-levels event is read on every auth check, and freezing costs
    // more to build than it saves on the few lookups one check makes.
    private readonly Dictionary<string, long> _explicit;

    private PowerLevels(RoomCreators creators, bool fromEvent, Dictionary<string, long> explicitLevels,
        Dictionary<string, long> users, Dictionary<string, long> events, Dictionary<string, long> notifications)
    {
        Creators = creators;
        FromEvent = fromEvent;
        _explicit = explicitLevels;
        Users = users;
        Events = events;
        Notifications = notifications;
    }

    public RoomCreators Creators { get; }

    /// <summary>False when the room has no power-levels event and only the defaults apply.</summary>
    public bool FromEvent { get; }

    public IReadOnlyDictionary<string, long> Users { get; }

    public IReadOnlyDictionary<string, long> Events { get; }

    public IReadOnlyDictionary<string, long> Notifications { get; }

    public long UsersDefault => Named("users_default");

    public long EventsDefault => Named("events_default");

    public long StateDefault => Named("state_default");

    public long Ban => Named("ban");

    public long Kick => Named("kick");

    public long Redact => Named("redact");

    public long Invite => Named("invite");

    /// <summary>The levels of a room without a power-levels event.</summary>
    public static PowerLevels Defaults(RoomCreators creators)
    {
        ArgumentNullException.ThrowIfNull(creators);
        return new PowerLevels(creators, false, [], [], [], []);
    }

    /// <summary>
    /// Reads a power-levels event's content as <paramref name="version"/> allows its values (see
    /// <see cref="PowerLevelValue"/>). Returns null with a reason when a level is not an integer the version
    /// accepts or <c>users</c>/<c>events</c>/<c>notifications</c> is not an object. User-ID validity is not
    /// checked here: that belongs to the rule that admits a new power-levels event.
    /// </summary>
    public static PowerLevels? TryParse(RoomVersion version, JsonObject content, RoomCreators creators, out string? error)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(creators);

        var named = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in NamedLevelKeys)
        {
            if (!content.TryGetPropertyValue(key, out var node) || IsAbsent(node, version))
            {
                continue;
            }

            if (!PowerLevelValue.TryRead(node, version, out var level))
            {
                error = $"'{key}' is not an integer";
                return null;
            }

            named[key] = level;
        }

        var users = ReadMap(content, "users", version, out error);
        var events = error is null ? ReadMap(content, "events", version, out error) : null;
        var notifications = error is null ? ReadMap(content, "notifications", version, out error) : null;
        if (users is null || events is null || notifications is null)
        {
            return null;
        }

        return new PowerLevels(creators, true, named, users, events, notifications);
    }

    /// <summary>
    /// The levels in force in <paramref name="state"/>: its power-levels event read with its create event's
    /// creators, or the defaults when there is none. Null with a reason when the power-levels event is unreadable.
    /// </summary>
    public static PowerLevels? TryFromState(RoomVersion version, IAuthState state, out string? error)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(state);
        var create = state.Get(EventTypes.Create, "");
        var pl = state.Get(EventTypes.PowerLevels, "");
        if (pl is null)
        {
            error = null;
            return Defaults(RoomCreators.FromCreateEvent(version, create));
        }

        if (s_parsed.TryGetValue(pl, out var cached) && cached.Version == version && ReferenceEquals(cached.Create, create))
        {
            error = cached.Error;
            return cached.Levels;
        }

        var levels = TryParse(version, pl.Content, RoomCreators.FromCreateEvent(version, create), out error);
        s_parsed.AddOrUpdate(pl, new ParsedEvent(version, create, levels, error));
        return levels;
    }

    /// <summary>As <see cref="TryFromState"/>, throwing <see cref="FormatException"/> on an unreadable power-levels event.</summary>
    public static PowerLevels FromState(RoomVersion version, IAuthState state) =>
        TryFromState(version, state, out var error) ?? throw new FormatException(error);

    /// <summary>A user's level: <see cref="CreatorLevel"/> for v12 creators, else <c>users</c>, else <c>users_default</c>; without an event 100 for the creator and 0 for others.</summary>
    public long UserLevel(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (Creators.HaveInfinitePower && Creators.Contains(userId))
        {
            return CreatorLevel;
        }

        if (!FromEvent)
        {
            return Creators.Contains(userId) ? ImplicitCreatorLevel : 0;
        }

        return Users.TryGetValue(userId, out var level) ? level : UsersDefault;
    }

    /// <summary>The "required power level" to send an event: <c>events[type]</c>, else state_default or events_default.</summary>
    public long EventLevel(string type, bool isState)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Events.TryGetValue(type, out var level) ? level : isState ? StateDefault : EventsDefault;
    }

    /// <summary>The level needed to trigger a notification of <paramref name="key"/> (e.g. <c>room</c> for @room); 50 when unset.</summary>
    public long NotificationLevel(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Notifications.TryGetValue(key, out var level) ? level : 50;
    }

    public bool CanSend(string userId, string type, bool isState) => UserLevel(userId) >= EventLevel(type, isState);

    public bool CanInvite(string userId) => UserLevel(userId) >= Invite;

    /// <summary>Kick: at least the kick level and strictly above the target.</summary>
    public bool CanKick(string userId, string targetUserId) =>
        UserLevel(userId) >= Kick && UserLevel(targetUserId) < UserLevel(userId);

    /// <summary>Ban: at least the ban level and strictly above the target.</summary>
    public bool CanBan(string userId, string targetUserId) =>
        UserLevel(userId) >= Ban && UserLevel(targetUserId) < UserLevel(userId);

    /// <summary>May redact other users' events (the redact level; own events need only the m.room.redaction send level).</summary>
    public bool CanRedact(string userId) => UserLevel(userId) >= Redact;

    /// <summary>The value a top-level key has in the event itself, or null when the event does not set it (the rules compare these, not defaults).</summary>
    internal long? ExplicitLevel(string key) => _explicit.TryGetValue(key, out var level) ? level : null;

    private long Named(string key) => _explicit.TryGetValue(key, out var level) ? level : s_defaults[key];

    // Before v10 a null stands for an unset key, as the reference implementation reads it; from v10 it is a non-integer.
    private static bool IsAbsent(JsonNode? node, RoomVersion version) => node is null && !version.IntegerPowerLevels;

    private static Dictionary<string, long>? ReadMap(JsonObject content, string key, RoomVersion version, out string? error)
    {
        error = null;
        if (!content.TryGetPropertyValue(key, out var node) || IsAbsent(node, version))
        {
            return [];
        }

        if (node is not JsonObject map)
        {
            error = $"'{key}' is not an object";
            return null;
        }

        var result = new Dictionary<string, long>(map.Count, StringComparer.Ordinal);
        foreach (var (name, value) in map)
        {
            if (!PowerLevelValue.TryRead(value, version, out var level))
            {
                error = $"'{key}.{name}' is not an integer";
                return null;
            }

            result[name] = level;
        }

        return result;
    }

    private sealed record ParsedEvent(RoomVersion Version, Pdu? Create, PowerLevels? Levels, string? Error);
}
