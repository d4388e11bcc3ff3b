using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Reading child events (spec: client-server API, "Relationships API", GET /rooms/{roomId}/relations/...) and thread
/// roots (GET /rooms/{roomId}/threads). Room-level access is <see cref="RoomReadAccess"/>; per-event history
/// visibility plugs in at <see cref="FilterVisibleAsync"/>, the one place both endpoints filter events.
/// </summary>
public sealed class RelationsService(RoomReadAccess access, RoomEventReader reader, IRoomRelationsStore relations, ClientEventSerializer serializer)
{
    /// <summary>How deep <c>recurse=true</c> follows relations of relations (spec: "SHOULD traverse at least 3 levels").</summary>
    public const int MaxRecursionDepth = 3;

    /// <summary>The most events one page returns; also the default for threads.</summary>
    public const int MaxLimit = 100;

    /// <summary>A page of the children of <see cref="RelationsRequest.EventId"/>, newest first unless <c>dir=f</c>.</summary>
    public async Task<JsonObject> GetRelationsAsync(RequestContext context, RelationsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        // The spec answers 404 both for an unknown parent and for one the user may not see, so neither leaks.
        StoredEvent? view;
        try
        {
            view = await access.GetStateViewAsync(context, request.RoomId, cancellationToken).ConfigureAwait(false);
        }
        catch (MatrixError e) when (e.Status == 403)
        {
            throw MatrixError.NotFound("Event not found.");
        }

        var parent = await reader.Store.GetEventAsync(request.EventId, cancellationToken).ConfigureAwait(false);
        if (parent is null || parent.RoomId != request.RoomId || parent.Status != EventStatus.Accepted
            || (await FilterVisibleAsync(context, view, [parent], cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            throw MatrixError.NotFound("Event not found.");
        }

        var depth = request.Recurse == true ? MaxRecursionDepth : 1;
        var query = new RelationsQuery(request.RoomId, request.EventId, request.RelType, request.EventType, depth, request.Forward,
            request.From, request.To, request.Limit);
        var page = await relations.GetRelationsAsync(query, cancellationToken).ConfigureAwait(false);
        var visible = await FilterVisibleAsync(context, view, page.Events, cancellationToken).ConfigureAwait(false);
        var response = new JsonObject
        {
            ["chunk"] = await serializer.SerializeAsync(visible, ClientEventOptions.TimelineFor(context.UserId), cancellationToken).ConfigureAwait(false),
        };
        if (page.More && page.Events.Count > 0)
        {
            response["next_batch"] = TopologicalToken.Format(TopologicalPosition.Of(page.Events[^1]));
        }

        if (request.From is { } from)
        {
            response["prev_batch"] = TopologicalToken.Format(from);
        }

        if (request.Recurse is not null)
        {
            // Spec: present exactly when the client supplied 'recurse'; the depth the server actually followed.
            response["recursion_depth"] = depth;
        }

        return response;
    }

    /// <summary>A page of a room's thread roots, the most recently active first, with their bundled aggregations.</summary>
    public async Task<JsonObject> GetThreadsAsync(
        RequestContext context, string roomId, bool participatedOnly, TopologicalPosition? from, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var view = await access.GetStateViewAsync(context, roomId, cancellationToken).ConfigureAwait(false);
        var roots = await relations.GetThreadRootsAsync(roomId, from, participatedOnly ? context.UserId : null, limit + 1, cancellationToken)
            .ConfigureAwait(false);
        var page = roots.Take(limit).ToList();
        var visible = await FilterVisibleAsync(context, view, [.. page.Select(r => r.Root)], cancellationToken).ConfigureAwait(false);
        var response = new JsonObject
        {
            ["chunk"] = await serializer.SerializeAsync(visible, ClientEventOptions.TimelineFor(context.UserId), cancellationToken).ConfigureAwait(false),
        };
        if (roots.Count > limit)
        {
            response["next_batch"] = TopologicalToken.Format(page[^1].LatestActivity);
        }

        return response;
    }

    /// <summary>
    /// The events of <paramref name="events"/> the user may see, in order. Today: the room-level view (a former member
    /// sees nothing after their leave). EVENT VISIBILITY PLUG-IN: per-event history visibility
    /// (EventVisibility.FilterAsync) replaces this body; it is the only filter the relations and threads APIs apply.
    /// </summary>
    private static Task<IReadOnlyList<StoredEvent>> FilterVisibleAsync(
        RequestContext context, StoredEvent? view, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        _ = context;
        _ = cancellationToken;
        IReadOnlyList<StoredEvent> visible = view is null ? events : [.. events.Where(e => e.EventNid <= view.EventNid)];
        return Task.FromResult(visible);
    }
}

/// <summary>
/// The parameters of GET /rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]. <paramref name="Recurse"/> is
/// null when the client did not send it (then the response has no recursion_depth).
/// </summary>
public sealed record RelationsRequest(
    string RoomId,
    string EventId,
    string? RelType,
    string? EventType,
    TopologicalPosition? From,
    TopologicalPosition? To,
    int Limit,
    bool Forward,
    bool? Recurse);
