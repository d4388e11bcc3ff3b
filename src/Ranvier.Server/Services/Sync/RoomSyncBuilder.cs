using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Sync;

/// <summary>What one joined or left room reports: its timeline, state (or state_after) and summary, before shaping.</summary>
internal sealed record RoomSyncParts(SyncTimeline Timeline, IReadOnlyList<StoredEvent> State, bool StateIsAfter, RoomMemberSummary? Summary)
{
    public bool HasNews => Timeline.Events.Count > 0 || State.Count > 0 || Summary is not null;
}

/// <summary>
/// Builds the timeline and state of one joined or left room for a sync (spec: "Syncing" and GET /sync, Joined Room /
/// Left Room). From scratch, <c>state</c> is the full state at the start of the timeline; incrementally it is the
/// state that changed between the token and the start of the timeline, plus state changed inside the window by
/// events the timeline leaves out (as Synapse does, so a filtered timeline loses no state). With
/// <c>use_state_after</c> it is the state at the end of the timeline instead. Lazy-loaded members follow
/// "Lazy-loading room members" through <see cref="LazyMemberCache"/>.
/// </summary>
public sealed class RoomSyncBuilder(IRoomEventStore store, SyncTimelineReader timelines, SyncStateReader states, LazyMemberCache lazyMembers)
{
    /// <summary>Heroes in a summary (spec: "the first 5 members").</summary>
    private const int HeroCount = 5;

    /// <summary>The parts of <paramref name="room"/> for the window up to stream position <paramref name="upto"/>.</summary>
    internal async Task<RoomSyncParts> BuildAsync(SyncRequest request, SyncRoom room, long upto, CancellationToken cancellationToken)
    {
        var filter = request.Filter.Room;
        var after = request.Since?.Stream ?? 0;
        var timeline = await timelines.ReadAsync(request.UserId, room.RoomId, after, upto, filter.Timeline, cancellationToken).ConfigureAwait(false);
        var timelineIds = timeline.Events.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        var lazy = filter.State.LazyLoadMembers;
        if (lazy && (room.FromScratch || timeline.Limited))
        {
            lazyMembers.Reset(request.UserId, request.DeviceId, room.RoomId);
        }

        if (room.WithoutState)
        {
            return new RoomSyncParts(timeline, [], request.UseStateAfter, null);
        }

        // 1. Which state entries the client is missing.
        IReadOnlyDictionary<StateKey, string>? known;
        Dictionary<StateKey, string> delta;
        IReadOnlyDictionary<StateKey, string>? reference = null;
        if (request.UseStateAfter)
        {
            var end = await EndStateAsync(room.RoomId, timeline, upto, cancellationToken).ConfigureAwait(false);
            known = room.FromScratch ? null : await states.AtStreamAsync(room.RoomId, after, cancellationToken).ConfigureAwait(false);
            delta = SyncStateReader.Delta(known, end);
            reference = end;
        }
        else if (room.FromScratch || !timeline.Complete)
        {
            var start = timeline.Events.Count > 0
                ? await states.AtEventAsync(timeline.Events[0].EventId, StatePoint.Before, cancellationToken).ConfigureAwait(false)
                : await states.AtStreamAsync(room.RoomId, upto, cancellationToken).ConfigureAwait(false);
            known = room.FromScratch ? null : await states.AtStreamAsync(room.RoomId, after, cancellationToken).ConfigureAwait(false);
            delta = SyncStateReader.Delta(known, start);
            if (!room.FromScratch)
            {
                // State changed inside the window by events the timeline does not show.
                var end = await EndStateAsync(room.RoomId, timeline, upto, cancellationToken).ConfigureAwait(false);
                foreach (var (key, eventId) in SyncStateReader.Delta(known, end))
                {
                    if (!timelineIds.Contains(eventId))
                    {
                        delta.TryAdd(key, eventId);
                    }
                }
            }

            reference = start;
        }
        else
        {
            delta = [];
        }

        // 2. The summary, when membership may have changed (its heroes are wanted members when lazy-loading).
        var membersChanged = room.FromScratch || room.MembershipChanged
            || timeline.Events.Any(e => e.Type == EventTypes.Member) || delta.Keys.Any(k => k.Type == EventTypes.Member);
        var summary = membersChanged && room.Section == SyncSection.Join
            ? await store.GetRoomMemberSummaryAsync(room.RoomId, request.UserId, HeroCount, cancellationToken).ConfigureAwait(false)
            : null;

        // 3. Lazy-loading: members of the timeline's senders (and of the user when the room is new to the client, and the
        // heroes); after a gap, every member change in it, redundant or not.
        if (lazy && reference is not null)
        {
            var wanted = timeline.Events.Select(e => e.Sender).ToHashSet(StringComparer.Ordinal);
            if (room.FromScratch)
            {
                wanted.Add(request.UserId);
            }

            if (summary is not null)
            {
                wanted.UnionWith(summary.Heroes);
            }

            var gapMembers = !room.FromScratch && timeline.Limited;
            foreach (var key in delta.Keys.Where(k => k.Type == EventTypes.Member).ToList())
            {
                if (!gapMembers && !wanted.Contains(key.Key))
                {
                    delta.Remove(key);
                }
            }

            foreach (var member in wanted)
            {
                var key = new StateKey(EventTypes.Member, member);
                if (!delta.ContainsKey(key) && reference.TryGetValue(key, out var eventId) && !timelineIds.Contains(eventId))
                {
                    delta[key] = eventId;
                }
            }

            if (!filter.State.IncludeRedundantMembers)
            {
                foreach (var (key, eventId) in delta.Where(kv => kv.Key.Type == EventTypes.Member).ToList())
                {
                    if (lazyMembers.WasSent(request.UserId, request.DeviceId, room.RoomId, key.Key, eventId))
                    {
                        delta.Remove(key);
                    }
                }
            }
        }

        // 4. The state filter, then the events in (type, state_key) order.
        var stateEvents = new List<StoredEvent>();
        if (filter.State.AllowsRoom(room.RoomId) && delta.Count > 0)
        {
            var loaded = await store.GetEventsByIdAsync([.. delta.OrderBy(kv => kv.Key.Type, StringComparer.Ordinal)
                .ThenBy(kv => kv.Key.Key, StringComparer.Ordinal).Select(kv => kv.Value)], cancellationToken).ConfigureAwait(false);
            stateEvents.AddRange(loaded.Where(e => SyncTimelineReader.Passes(filter.State, e)));
            if (filter.State.Limit is { } limit && stateEvents.Count > limit)
            {
                stateEvents.RemoveRange((int)limit, stateEvents.Count - (int)limit);
            }
        }

        if (lazy)
        {
            lazyMembers.Sent(
                request.UserId, request.DeviceId, room.RoomId,
                stateEvents.Concat(timeline.Events).Where(e => e.Type == EventTypes.Member && e.StateKey is not null)
                    .Select(e => (e.StateKey!, e.EventId)));
        }

        return new RoomSyncParts(timeline, stateEvents, request.UseStateAfter, summary);
    }

    private async Task<IReadOnlyDictionary<StateKey, string>> EndStateAsync(string roomId, SyncTimeline timeline, long upto, CancellationToken cancellationToken) =>
        timeline.Events.Count > 0
            ? await states.AtEventAsync(timeline.Events[^1].EventId, StatePoint.After, cancellationToken).ConfigureAwait(false)
            : await states.AtStreamAsync(roomId, upto, cancellationToken).ConfigureAwait(false);

    /// <summary>The JSON of a room summary (spec: RoomSummary).</summary>
    internal static JsonObject SummaryJson(RoomMemberSummary summary) => new()
    {
        ["m.heroes"] = new JsonArray([.. summary.Heroes.Select(h => (JsonNode)JsonValue.Create(h))]),
        ["m.joined_member_count"] = summary.JoinedCount,
        ["m.invited_member_count"] = summary.InvitedCount,
    };
}
