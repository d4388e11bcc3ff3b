using System.Text.Json.Nodes;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// The <c>rooms</c> part of a sync response (spec: GET /sync, Rooms): joined and left rooms with timeline, state,
/// summary and room account data; invited and knocked rooms with their stripped state. On an incremental sync only
/// rooms with something new are looked at: events in the window, membership changes, or room account data.
/// </summary>
public sealed class RoomsSync(
    RoomSyncBuilder builder, SyncEventFormatter formatter, StrippedState strippedState, SyncChangeIndex changeIndex,
    Ranvier.Storage.Rooms.IRoomEventStore store)
{
    /// <summary>Adds the room sections of <paramref name="rooms"/> to <paramref name="response"/>.</summary>
    public async Task AddAsync(
        SyncWindow window, IReadOnlyList<SyncRoom> rooms, IReadOnlyDictionary<string, JsonArray> roomAccountData, SyncResponse response,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(rooms);
        ArgumentNullException.ThrowIfNull(roomAccountData);
        ArgumentNullException.ThrowIfNull(response);
        var request = window.Request;
        var upto = window.Upto.Stream;
        // Which rooms have news: the change index knows when it holds the whole window, else the store is asked.
        var active = request.Since is { } since && since.Stream < upto
            ? changeIndex.RoomsWithEvents(since.Stream, upto)
                ?? await store.GetRoomsWithEventsAsync(since.Stream, upto, cancellationToken).ConfigureAwait(false)
            : null;
        foreach (var room in rooms)
        {
            if (!request.Filter.Room.AllowsRoom(room.RoomId))
            {
                continue;
            }

            switch (room.Section)
            {
                case SyncSection.Invite:
                    response.Invite[room.RoomId] = await strippedState.ForAsync(room.MemberEvent, cancellationToken).ConfigureAwait(false);
                    break;
                case SyncSection.Knock:
                    response.Knock[room.RoomId] = await strippedState.ForAsync(room.MemberEvent, cancellationToken).ConfigureAwait(false);
                    break;
                case SyncSection.Join:
                    // An initial sync (or full_state) shows every joined room; later ones only rooms with news.
                    var accountData = roomAccountData.GetValueOrDefault(room.RoomId);
                    if (!room.FromScratch && request.Since is not null && !request.FullState && accountData is null
                        && (active is null || !active.Contains(room.RoomId)))
                    {
                        continue;
                    }

                    await AddJoinedAsync(request, room, upto, accountData, response, cancellationToken).ConfigureAwait(false);
                    break;
                case SyncSection.Leave:
                    await AddLeftAsync(request, room, upto, roomAccountData.GetValueOrDefault(room.RoomId), response, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task AddJoinedAsync(
        SyncRequest request, SyncRoom room, long upto, JsonArray? accountData, SyncResponse response, CancellationToken cancellationToken)
    {
        var parts = await builder.BuildAsync(request, room, upto, cancellationToken).ConfigureAwait(false);
        if (!parts.HasNews && accountData is null && !room.FromScratch)
        {
            return;
        }

        var section = response.Joined(room.RoomId);
        await FillTimelineAsync(request, parts, section.Timeline, cancellationToken).ConfigureAwait(false);
        var state = await formatter.StateAsync(request, parts.State, cancellationToken).ConfigureAwait(false);
        if (parts.StateIsAfter)
        {
            section.StateAfter = state;
        }
        else
        {
            AddAll(section.State, state);
        }

        if (accountData is not null)
        {
            AddAll(section.AccountData, accountData);
        }

        if (parts.Summary is not null)
        {
            section.Summary = RoomSyncBuilder.SummaryJson(parts.Summary);
        }
    }

    private async Task AddLeftAsync(
        SyncRequest request, SyncRoom room, long upto, JsonArray? accountData, SyncResponse response, CancellationToken cancellationToken)
    {
        // The timeline of a left room ends with the leave (or ban, or kick).
        var end = Math.Min(upto, room.MemberEvent.StreamPosition ?? upto);
        var parts = await builder.BuildAsync(request, room, end, cancellationToken).ConfigureAwait(false);
        var section = new LeftRoomSync();
        await FillTimelineAsync(request, parts, section.Timeline, cancellationToken).ConfigureAwait(false);
        var state = await formatter.StateAsync(request, parts.State, cancellationToken).ConfigureAwait(false);
        if (parts.StateIsAfter)
        {
            section.StateAfter = state;
        }
        else
        {
            AddAll(section.State, state);
        }

        if (accountData is not null)
        {
            AddAll(section.AccountData, accountData);
        }

        response.Leave[room.RoomId] = section;
    }

    private async Task FillTimelineAsync(SyncRequest request, RoomSyncParts parts, TimelineSync timeline, CancellationToken cancellationToken)
    {
        AddAll(timeline.Events, await formatter.TimelineAsync(request, parts.Timeline.Events, cancellationToken).ConfigureAwait(false));
        timeline.Limited = parts.Timeline.Limited;
        timeline.PrevBatch = parts.Timeline.PrevBatch.ToString();
    }

    private static void AddAll(JsonArray target, JsonArray source)
    {
        // A node has one parent: detach them all first.
        var items = source.ToList();
        source.Clear();
        foreach (var item in items)
        {
            target.Add(item);
        }
    }
}
