using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// Who created the room, as the room version defines it: v1–v10 the create event's <c>content.creator</c>,
/// v11 its <c>sender</c>, v12 its <c>sender</c> plus <c>content.additional_creators</c> (rooms/v12, "room
/// creators"). In v1–v11 the creator only matters while the room has no power-levels event (power 100); in
/// v12 the creators have infinite power always (<see cref="HaveInfinitePower"/>).
/// </summary>
public sealed class RoomCreators
{
    private RoomCreators(HashSet<string> userIds, bool haveInfinitePower)
    {
        UserIds = userIds;
        HaveInfinitePower = haveInfinitePower;
    }

    /// <summary>No known creator (no create event in the state at hand).</summary>
    public static RoomCreators None { get; } = new([], false);

    public IReadOnlySet<string> UserIds { get; }

    /// <summary>v12+: creators outrank every integer power level and cannot be listed in power levels.</summary>
    public bool HaveInfinitePower { get; }

    public bool Contains(string userId) => UserIds.Contains(userId);

    /// <summary>Reads the creators from a create event; <see cref="None"/> when it is null.</summary>
    public static RoomCreators FromCreateEvent(RoomVersion version, Pdu? create)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (create is null)
        {
            return None;
        }

        if (!version.ImplicitRoomCreator)
        {
            var creator = JsonNodeValues.GetString(create.Content, "creator");
            return creator is null ? None : new RoomCreators(new HashSet<string>(StringComparer.Ordinal) { creator }, false);
        }

        if (!version.PrivilegedCreators)
        {
            return new RoomCreators(new HashSet<string>(StringComparer.Ordinal) { create.Sender }, false);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal) { create.Sender };
        if (create.Content["additional_creators"] is JsonArray extra)
        {
            // Validity of this list is create rule 1.4 (v12); here the strings that are present are taken.
            foreach (var item in extra)
            {
                if (item is JsonValue value && value.TryGetValue(out string? id))
                {
                    ids.Add(id);
                }
            }
        }

        return new RoomCreators(ids, true);
    }
}
