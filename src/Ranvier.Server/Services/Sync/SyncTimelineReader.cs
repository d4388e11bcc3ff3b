using System.Text.Json;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// A room's sync timeline: its latest visible events passing the filter, oldest first. <see cref="Limited"/> when
/// the window holds more events than were returned; <see cref="Complete"/> when every event of the window is in
/// <see cref="Events"/> (none was left out by the limit, the filter or history visibility), so no state changed unseen.
/// </summary>
public sealed record SyncTimeline(IReadOnlyList<StoredEvent> Events, bool Limited, bool Complete, TimelineToken PrevBatch);

/// <summary>
/// Reads sync timelines (spec: "Syncing"): the latest <c>limit</c> events of a room in a stream window, newest
/// first from the store, through <see cref="EventVisibility"/> and the timeline filter.
/// </summary>
public sealed class SyncTimelineReader(IRoomEventStore store, EventVisibility visibility)
{
    /// <summary>Synapse's default when the filter gives no limit; clients are used to it.</summary>
    public const int DefaultLimit = 10;

    /// <summary>The most events one room's timeline holds, whatever the filter asks.</summary>
    public const int MaxLimit = 1_000;

    /// <summary>Events read past (invisible or filtered out) before the timeline is cut short as limited.</summary>
    private const int MaxScanned = 2_000;

    private const int MinBatch = 20;

    /// <summary>The timeline of <paramref name="roomId"/> in the stream window (<paramref name="after"/>, <paramref name="upto"/>].</summary>
    public async Task<SyncTimeline> ReadAsync(
        string userId, string roomId, long after, long upto, RoomEventFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var limit = (int)Math.Min(filter.Limit ?? DefaultLimit, MaxLimit);
        var endToken = TimelineToken.OfStream(upto);
        if (limit == 0 || !filter.AllowsRoom(roomId) || after >= upto)
        {
            var any = after < upto && (await store.GetLatestRoomEventsAsync(roomId, after, upto, 1, cancellationToken).ConfigureAwait(false)).Count > 0;
            return new SyncTimeline([], any, !any, endToken);
        }

        var events = new List<StoredEvent>(limit);
        var complete = true;
        var cursor = upto;
        var scanned = 0;
        while (true)
        {
            var batch = Math.Max(limit - events.Count + 1, MinBatch);
            var page = await store.GetLatestRoomEventsAsync(roomId, after, cursor, batch, cancellationToken).ConfigureAwait(false);
            var visible = (await visibility.FilterAsync(userId, roomId, page, cancellationToken).ConfigureAwait(false))
                .Where(e => Passes(filter, e)).Select(e => e.EventNid).ToHashSet();
            for (var i = 0; i < page.Count; i++)
            {
                if (events.Count == limit)
                {
                    // An event of the window is left out: the gap the client fills with /messages.
                    events.Reverse();
                    return new SyncTimeline(events, true, false, Before(events, endToken));
                }

                var stored = page[i];
                cursor = stored.StreamPosition!.Value - 1;
                if (visible.Contains(stored.EventNid))
                {
                    events.Add(stored);
                }
                else
                {
                    complete = false;
                }
            }

            scanned += page.Count;
            if (page.Count < batch)
            {
                events.Reverse();
                return new SyncTimeline(events, false, complete, Before(events, endToken));
            }

            if (scanned >= MaxScanned)
            {
                events.Reverse();
                return new SyncTimeline(events, true, false, Before(events, endToken));
            }
        }
    }

    /// <summary>/messages backwards from the gap before the first event continues exactly before it (spec: prev_batch).</summary>
    private static TimelineToken Before(List<StoredEvent> events, TimelineToken whenEmpty) =>
        events.Count > 0 ? TimelineToken.Of(TopologicalPosition.Before(events[0])) : whenEmpty;

    /// <summary>The filter's type and sender lists and <c>contains_url</c> (spec: RoomEventFilter).</summary>
    internal static bool Passes(RoomEventFilter filter, StoredEvent stored)
    {
        if (!filter.Allows(stored.Type, stored.Sender))
        {
            return false;
        }

        if (filter.ContainsUrl is not { } wantsUrl)
        {
            return true;
        }

        using var document = JsonDocument.Parse(stored.Json);
        var hasUrl = document.RootElement.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object
            && content.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String;
        return hasUrl == wantsUrl;
    }
}
