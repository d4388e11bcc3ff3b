using System.Text.Json.Nodes;
using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Services.Typing;

/// <summary>
/// The <c>m.typing</c> ephemeral event of joined rooms in /sync (spec: "Typing Notifications"): the full list of
/// typing users, which clients use to replace what they knew. Sent for a room whose list changed in
/// (<c>From.Typing</c>, <c>Upto.Typing</c>], and for a room sent from scratch when anyone is typing. A token whose
/// typing position this process did not hand out (from before a restart, or from the future) gets the current
/// list of every joined room, empty ones included, so that no client keeps showing someone typing forever.
/// </summary>
public sealed class TypingSyncContributor(TypingTracker tracker) : ISyncContributor
{
    public const string EventType = "m.typing";

    public ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(response);
        var roomFilter = window.Request.Filter.Room;
        var filter = roomFilter.Ephemeral;
        if (!filter.AllowsType(EventType))
        {
            return ValueTask.CompletedTask;
        }

        var from = window.From?.Typing;
        var known = from is { } f && f >= tracker.FirstPosition && f <= window.Upto.Typing;
        var snapshots = tracker.Snapshot(window.JoinedRoomIds).ToDictionary(s => s.RoomId, StringComparer.Ordinal);
        var rooms = from is not null && !known ? window.JoinedRoomIds : (IEnumerable<string>)snapshots.Keys;
        foreach (var roomId in rooms)
        {
            var snapshot = snapshots.GetValueOrDefault(roomId);
            var users = snapshot?.UserIds ?? [];
            var send = window.FromScratchRoomIds.Contains(roomId)
                ? users.Count > 0
                : !known || (snapshot is not null && snapshot.LastChange > from && snapshot.LastChange <= window.Upto.Typing);
            if (!send || !roomFilter.AllowsRoom(roomId) || !filter.AllowsRoom(roomId))
            {
                continue;
            }

            // The senders lists apply to the typing users themselves: the event has no sender of its own.
            var visible = new JsonArray([.. users.Where(u => filter.Allows(EventType, u)).Select(u => JsonValue.Create(u))]);
            EphemeralEvents.TryAdd(response, roomId, filter, new JsonObject { ["type"] = EventType, ["content"] = new JsonObject { ["user_ids"] = visible } });
        }

        return ValueTask.CompletedTask;
    }
}
