using System.Collections.Frozen;

namespace Ranvier.Protocol.Rooms;

/// <summary>How event IDs are formed and how events are shaped (spec: rooms/fragments/v*-event-format).</summary>
public enum EventFormat
{
    /// <summary>Room versions 1 and 2: <c>$localpart:server</c> IDs carried in the event; prev/auth events are [id, hashes] pairs.</summary>
    V1,

    /// <summary>Room version 3: the ID is the reference hash in standard unpadded base64; no event_id field.</summary>
    V2,

    /// <summary>Room versions 4 and later: the reference hash in URL-safe unpadded base64.</summary>
    V3,
}

/// <summary>Which state-resolution algorithm a room version uses.</summary>
public enum StateResolutionAlgorithm
{
    /// <summary>Room version 1.</summary>
    V1,

    /// <summary>Room versions 2 to 11.</summary>
    V2,

    /// <summary>Room version 12: v2 with the create event as the start of every mainline and the empty-set state reset fix.</summary>
    V2_1,
}

/// <summary>Which redaction algorithm a room version uses (spec: rooms/fragments/v1-redactions, v11-redactions and the version pages).</summary>
public enum RedactionRules
{
    /// <summary>Room versions 1 to 5 (fragment v1-redactions): m.room.aliases keeps <c>aliases</c>.</summary>
    V1,

    /// <summary>Room versions 6 and 7 (fragment v6-redactions): m.room.aliases no longer keeps <c>aliases</c>.</summary>
    V6,

    /// <summary>Room version 8 (its own page): m.room.join_rules also keeps <c>allow</c>.</summary>
    V8,

    /// <summary>Room versions 9 and 10 (fragment v9-redactions): as v8, and m.room.member also keeps <c>join_authorised_via_users_server</c>.</summary>
    V9,

    /// <summary>Room version 11 and later: the v11 key sets (create keeps all content, power levels keep <c>invite</c>, signed 3pid kept, origin/membership/prev_state top-level keys gone).</summary>
    V11,
}

/// <summary>
/// A room version as data: every place where the rules of two versions differ is a property here, so the
/// algorithms ask the version instead of comparing version strings. Spec: content/rooms/v1.md … v12.md.
/// </summary>
public sealed record RoomVersion
{
    public required string Id { get; init; }

    /// <summary>Stable versions may be used for new rooms without a warning.</summary>
    public bool Stable { get; init; } = true;

    public required EventFormat EventFormat { get; init; }

    public required StateResolutionAlgorithm StateResolution { get; init; }

    public required RedactionRules Redaction { get; init; }

    /// <summary>v1–v5: m.room.aliases events have their own authorization rule (allowed when the state key is the sender's server).</summary>
    public bool SpecialCaseAliasesAuth { get; init; }

    /// <summary>v5+: a signing key may not be used for events after its <c>valid_until_ts</c>.</summary>
    public bool EnforceKeyValidity { get; init; }

    /// <summary>v6+: events must be strict canonical JSON (integers in range, no floats).</summary>
    public bool StrictCanonicalJson { get; init; }

    /// <summary>v6+: <c>notifications</c> keys in power levels need the matching power to change.</summary>
    public bool LimitNotificationsPowerLevels { get; init; }

    /// <summary>v7+: the <c>knock</c> membership and join rule.</summary>
    public bool AllowKnocking { get; init; }

    /// <summary>v8+: the <c>restricted</c> join rule.</summary>
    public bool AllowRestrictedJoins { get; init; }

    /// <summary>v10+: the <c>knock_restricted</c> join rule.</summary>
    public bool AllowKnockRestricted { get; init; }

    /// <summary>v10+: power-level values must be JSON integers, not strings.</summary>
    public bool IntegerPowerLevels { get; init; }

    /// <summary>v11+: the room creator is the create event's sender (no <c>creator</c> content key).</summary>
    public bool ImplicitRoomCreator { get; init; }

    /// <summary>v12+: the room ID is <c>!</c> + the create event's reference hash; the create event has no room_id.</summary>
    public bool RoomIdFromCreateEvent { get; init; }

    /// <summary>v12+: the create event's sender and <c>additional_creators</c> have infinite power and are not listed in power levels.</summary>
    public bool PrivilegedCreators { get; init; }
}

/// <summary>The room versions Ranvier knows (1–12), looked up by their identifier.</summary>
public static class RoomVersions
{
    /// <summary>The version the spec (v1.19) recommends for new rooms.</summary>
    public const string DefaultId = "12";

    public static readonly RoomVersion V1 = new()
    {
        Id = "1",
        EventFormat = EventFormat.V1,
        StateResolution = StateResolutionAlgorithm.V1,
        Redaction = RedactionRules.V1,
        SpecialCaseAliasesAuth = true,
    };

    public static readonly RoomVersion V2 = V1 with { Id = "2", StateResolution = StateResolutionAlgorithm.V2 };

    public static readonly RoomVersion V3 = V2 with { Id = "3", EventFormat = EventFormat.V2 };

    public static readonly RoomVersion V4 = V3 with { Id = "4", EventFormat = EventFormat.V3 };

    public static readonly RoomVersion V5 = V4 with { Id = "5", EnforceKeyValidity = true };

    public static readonly RoomVersion V6 = V5 with
    {
        Id = "6",
        Redaction = RedactionRules.V6,
        SpecialCaseAliasesAuth = false,
        StrictCanonicalJson = true,
        LimitNotificationsPowerLevels = true,
    };

    public static readonly RoomVersion V7 = V6 with { Id = "7", AllowKnocking = true };

    public static readonly RoomVersion V8 = V7 with { Id = "8", AllowRestrictedJoins = true, Redaction = RedactionRules.V8 };

    public static readonly RoomVersion V9 = V8 with { Id = "9", Redaction = RedactionRules.V9 };

    public static readonly RoomVersion V10 = V9 with { Id = "10", AllowKnockRestricted = true, IntegerPowerLevels = true };

    public static readonly RoomVersion V11 = V10 with { Id = "11", Redaction = RedactionRules.V11, ImplicitRoomCreator = true };

    public static readonly RoomVersion V12 = V11 with
    {
        Id = "12",
        StateResolution = StateResolutionAlgorithm.V2_1,
        RoomIdFromCreateEvent = true,
        PrivilegedCreators = true,
    };

    public static readonly IReadOnlyList<RoomVersion> All = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12];

    private static readonly FrozenDictionary<string, RoomVersion> ById = All.ToFrozenDictionary(v => v.Id, StringComparer.Ordinal);

    public static RoomVersion? Find(string id) => ById.GetValueOrDefault(id);

    public static RoomVersion Default => ById[DefaultId];
}
