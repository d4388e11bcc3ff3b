using System.Text.Json.Nodes;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Push;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// <c>unread_notifications</c> and <c>unread_thread_notifications</c> of every joined room in a /sync response
/// (spec: "Receiving notifications"; sync.yaml). Counts are as of the response's <c>next_batch</c>, so they include
/// exactly the events the response shows. With the room timeline filter's <c>unread_thread_notifications</c>, the room
/// counts cover the main timeline only and each thread with unread notifications gets its own; without it, the room
/// counts cover every thread. Registered after the contributors that add rooms (typing, receipts).
/// </summary>
public sealed class UnreadCountsSyncContributor(IPushActionStore store) : ISyncContributor
{
    public async ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(response);
        if (response.Join.Count == 0)
        {
            return;
        }

        var perThread = window.Request.Filter.Room.Timeline.UnreadThreadNotifications;
        var counts = await store.GetUnreadCountsAsync(window.Request.UserId, response.Join.Keys, window.Upto.Stream, cancellationToken).ConfigureAwait(false);
        foreach (var (roomId, room) in response.Join)
        {
            var threads = counts.GetValueOrDefault(roomId);
            var total = default(UnreadCount);
            JsonObject? threadCounts = null;
            foreach (var (threadId, count) in threads ?? new Dictionary<string, UnreadCount>())
            {
                if (!perThread || threadId == PushThreads.Main)
                {
                    total = new UnreadCount(total.Notifications + count.Notifications, total.Highlights + count.Highlights);
                }
                else
                {
                    (threadCounts ??= [])[threadId] = ToJson(count);
                }
            }

            room.UnreadNotifications = ToJson(total);
            if (threadCounts is not null)
            {
                room.UnreadThreadNotifications = threadCounts;
            }
        }
    }

    private static JsonObject ToJson(UnreadCount count) => new()
    {
        ["highlight_count"] = count.Highlights,
        ["notification_count"] = count.Notifications,
    };
}
