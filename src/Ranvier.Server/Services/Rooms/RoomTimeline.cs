using System.Text.Json;
using Ranvier.Protocol.Events;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Filters;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>A page of /messages: the events, the tokens around them (End null: nothing further), and lazy-loaded members.</summary>
public sealed record TimelinePage(IReadOnlyList<StoredEvent> Chunk, TimelineToken Start, TimelineToken? End, IReadOnlyList<StoredEvent> State);

/// <summary>An event with its surroundings (spec: GET /rooms/{roomId}/context/{eventId}).</summary>
public sealed record EventContext(
    StoredEvent Event,
    IReadOnlyList<StoredEvent> Before,
    IReadOnlyList<StoredEvent> After,
    TimelineToken Start,
    TimelineToken End,
    IReadOnlyList<StoredEvent> State);

/// <summary>
/// Reading a room's timeline for a client (spec: client-server API, "Getting events for a room": /messages, /context,
/// timestamp_to_event): pages in topological order, with the room-level gate of <see cref="RoomReadAccess"/>, the
/// per-event <see cref="EventVisibility"/>, and the client's <see cref="RoomEventFilter"/> applied to every event.
/// </summary>
public sealed class RoomTimeline(RoomEventReader reader, RoomReadAccess access, EventVisibility visibility)
{
    /// <summary>
    /// Events read past (invisible or filtered out) before a page is returned short with an <c>end</c> token to go on
    /// from, so one request never scans a whole room for a filter that matches nothing.
    /// </summary>
    private const int MaxScannedPerPage = 2_000;

    /// <summary>How many events the store is asked for at least per round; filtered pages need more than they return.</summary>
    private const int MinBatch = 50;

    private IRoomEventStore Store => reader.Store;

    /// <summary>GET /rooms/{roomId}/messages. <paramref name="from"/> null: the end of the room (backwards) or its start (forwards).</summary>
    public async Task<TimelinePage> GetMessagesAsync(
        RequestContext context, string roomId, PaginationDirection direction, TimelineToken? from, TimelineToken? to, int limit,
        RoomEventFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(filter);
        var view = await access.GetStateViewAsync(context, roomId, cancellationToken).ConfigureAwait(false);

        // A former member's view ends at their leave: nothing after it could be visible unless world_readable, which
        // RoomReadAccess already answered with the current view.
        var viewEnd = view is null ? (TopologicalPosition?)null : TopologicalPosition.After(view);
        TopologicalPosition start;
        if (from is { } token)
        {
            start = await token.ResolveAsync(Store, roomId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            start = direction == PaginationDirection.Forwards
                ? TopologicalPosition.Start
                : viewEnd ?? await Store.GetLatestTopologicalPositionAsync(roomId, cancellationToken).ConfigureAwait(false) ?? TopologicalPosition.Start;
        }

        var bound = to is { } toToken ? await toToken.ResolveAsync(Store, roomId, cancellationToken).ConfigureAwait(false) : (TopologicalPosition?)null;
        if (viewEnd is { } end)
        {
            if (direction == PaginationDirection.Backwards && start > end)
            {
                start = end;
            }
            else if (direction == PaginationDirection.Forwards && (bound is null || bound > end))
            {
                bound = end;
            }
        }

        var startToken = from ?? TimelineToken.Of(start);
        if (!filter.AllowsRoom(roomId) || limit == 0)
        {
            return new TimelinePage([], startToken, limit == 0 ? startToken : null, []);
        }

        var (chunk, next, more) = await ReadAsync(context.UserId, roomId, start, bound, direction, limit, filter, cancellationToken).ConfigureAwait(false);
        var state = filter.LazyLoadMembers ? await SenderMembersAsync(chunk, cancellationToken).ConfigureAwait(false) : [];
        return new TimelinePage(chunk, startToken, more ? TimelineToken.Of(next) : null, state);
    }

    /// <summary>
    /// GET /rooms/{roomId}/context/{eventId}: <paramref name="limit"/> split between before (half, rounded down) and after.
    /// 404 M_NOT_FOUND when the event is unknown or not visible to the user.
    /// </summary>
    public async Task<EventContext> GetContextAsync(
        RequestContext context, string roomId, string eventId, int limit, RoomEventFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(filter);
        var view = await access.GetStateViewAsync(context, roomId, cancellationToken).ConfigureAwait(false);
        var stored = await Store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (stored is null || !await visibility.CanSeeAsync(context.UserId, stored, cancellationToken).ConfigureAwait(false) || stored.RoomId != roomId)
        {
            throw MatrixError.NotFound("Event not found.");
        }

        var beforeLimit = limit / 2;
        var afterLimit = limit - beforeLimit;
        var viewEnd = view is null ? (TopologicalPosition?)null : TopologicalPosition.After(view);
        var (before, start, _) = beforeLimit == 0
            ? ([], TopologicalPosition.Before(stored), false)
            : await ReadAsync(context.UserId, roomId, TopologicalPosition.Before(stored), null, PaginationDirection.Backwards, beforeLimit, filter, cancellationToken).ConfigureAwait(false);
        var (after, end, _) = afterLimit == 0
            ? ([], TopologicalPosition.After(stored), false)
            : await ReadAsync(context.UserId, roomId, TopologicalPosition.After(stored), viewEnd, PaginationDirection.Forwards, afterLimit, filter, cancellationToken).ConfigureAwait(false);

        // Spec: "The state of the room at the last event returned", with lazy-loading keeping only the senders' members.
        var last = after.Count > 0 ? after[^1] : stored;
        var stateIds = await Store.GetStateAtEventAsync(last.EventId, StatePoint.After, cancellationToken).ConfigureAwait(false)
            ?? new Dictionary<StateKey, string>();
        var senders = before.Concat(after).Append(stored).Select(e => e.Sender).ToHashSet(StringComparer.Ordinal);
        var wanted = stateIds.Where(kv => !filter.LazyLoadMembers || kv.Key.Type != EventTypes.Member || senders.Contains(kv.Key.Key))
            .Select(kv => kv.Value).ToList();
        var state = (await Store.GetEventsByIdAsync(wanted, cancellationToken).ConfigureAwait(false)).Where(e => Passes(filter, e)).ToList();
        return new EventContext(stored, before, after, TimelineToken.Of(start), TimelineToken.Of(end), state);
    }

    /// <summary>
    /// GET /v1/rooms/{roomId}/timestamp_to_event: the visible event closest to <paramref name="timestamp"/> in the
    /// direction given, or 404 M_NOT_FOUND.
    /// </summary>
    public async Task<StoredEvent> GetEventByTimestampAsync(
        RequestContext context, string roomId, long timestamp, PaginationDirection direction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await access.GetStateViewAsync(context, roomId, cancellationToken).ConfigureAwait(false);
        var candidates = await Store.GetEventsByTimestampAsync(roomId, timestamp, direction, MinBatch, cancellationToken).ConfigureAwait(false);
        var visible = await visibility.FilterAsync(context.UserId, roomId, candidates, cancellationToken).ConfigureAwait(false);
        return visible.Count > 0 ? visible[0] : throw MatrixError.NotFound("No event found in that direction.");
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/> visible events passing the filter from the gap <paramref name="from"/>.
    /// Returns the gap after the last event consumed and whether more events may follow it.
    /// </summary>
    private async Task<(IReadOnlyList<StoredEvent> Events, TopologicalPosition Next, bool More)> ReadAsync(
        string userId, string roomId, TopologicalPosition from, TopologicalPosition? to, PaginationDirection direction, int limit,
        RoomEventFilter filter, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>(limit);
        var position = from;
        var scanned = 0;
        while (true)
        {
            var batch = Math.Max(limit - events.Count, MinBatch);
            var page = await Store.GetTimelineAsync(roomId, position, to, direction, batch, cancellationToken).ConfigureAwait(false);
            var visible = await visibility.FilterAsync(userId, roomId, page, cancellationToken).ConfigureAwait(false);
            var passing = visible.Where(e => Passes(filter, e)).Select(e => e.EventNid).ToHashSet();
            for (var i = 0; i < page.Count; i++)
            {
                var stored = page[i];
                position = direction == PaginationDirection.Backwards ? TopologicalPosition.Before(stored) : TopologicalPosition.After(stored);
                if (passing.Contains(stored.EventNid))
                {
                    events.Add(stored);
                    if (events.Count == limit)
                    {
                        // Events left in this page, or a full page: there may be more.
                        return (events, position, i < page.Count - 1 || page.Count == batch);
                    }
                }
            }

            scanned += page.Count;
            if (page.Count < batch)
            {
                return (events, position, false);
            }

            if (scanned >= MaxScannedPerPage)
            {
                return (events, position, true);
            }
        }
    }

    /// <summary>Lazy-loading (spec: "Lazy-loading room members"): each sender's member event as of their first event in the chunk.</summary>
    private async Task<IReadOnlyList<StoredEvent>> SenderMembersAsync(IReadOnlyList<StoredEvent> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return [];
        }

        var keys = chunk.Select(e => new StateKey(EventTypes.Member, e.Sender)).Distinct().ToList();
        var states = await Store.GetStateEventsAtEventsAsync(chunk.Select(e => e.EventNid).ToList(), keys, StatePoint.After, cancellationToken).ConfigureAwait(false);
        var members = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
        foreach (var stored in chunk)
        {
            if (!members.ContainsKey(stored.Sender) && states.TryGetValue(stored.EventNid, out var state)
                && state.TryGetValue(new StateKey(EventTypes.Member, stored.Sender), out var member))
            {
                members[stored.Sender] = member;
            }
        }

        return members.Values.DistinctBy(e => e.EventId).ToList();
    }

    /// <summary>The filter's type/sender lists and <c>contains_url</c> (spec: RoomEventFilter).</summary>
    private static bool Passes(RoomEventFilter filter, StoredEvent stored)
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
