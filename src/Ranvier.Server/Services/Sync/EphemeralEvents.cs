using System.Text.Json.Nodes;
using Ranvier.Server.Services.Filters;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// Adding an ephemeral event (<c>m.typing</c>, <c>m.receipt</c>) to a joined room of a /sync response under the
/// filter's <c>room.ephemeral.limit</c> (spec: RoomEventFilter.limit): once a room holds that many, the rest stay out.
/// </summary>
public static class EphemeralEvents
{
    /// <summary>Adds <paramref name="ephemeralEvent"/> to the room's ephemeral events; false when the limit is reached.</summary>
    public static bool TryAdd(SyncResponse response, string roomId, RoomEventFilter filter, JsonObject ephemeralEvent)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(filter);
        var count = response.Join.TryGetValue(roomId, out var existing) ? existing.Ephemeral.Count : 0;
        if (filter.Limit is { } limit && count >= limit)
        {
            return false;
        }

        response.Joined(roomId).Ephemeral.Add((JsonNode)ephemeralEvent);
        return true;
    }
}
