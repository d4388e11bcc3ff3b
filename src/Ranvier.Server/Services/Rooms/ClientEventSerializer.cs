using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Relations;
using Ranvier.Protocol.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>How an event is shaped for a client (spec: client-server API, "Room event format" / ClientEvent).</summary>
public sealed record ClientEventOptions
{
    /// <summary>Adds <c>unsigned.prev_content</c> / <c>prev_sender</c> / <c>replaces_state</c> to state events (one state lookup each).</summary>
    public bool IncludePrevContent { get; init; }

    /// <summary>Leaves out <c>room_id</c> (the sync format, where the room is the enclosing key).</summary>
    public bool OmitRoomId { get; init; }

    /// <summary>
    /// Adds bundled aggregations (<c>unsigned.m.relations</c>) to message events (spec: "Aggregations of child
    /// events"; state events receive none).
    /// </summary>
    public bool BundleAggregations { get; init; }

    /// <summary>The user the events are served to: the m.thread aggregation says whether they took part in each thread.</summary>
    public string? Viewer { get; init; }

    /// <summary>Set on the latest event of a thread served inside its root's aggregation: it bundles no thread of its own, so nesting stops.</summary>
    internal bool InsideThreadSummary { get; init; }

    /// <summary>
    /// Serves a message event with nothing reader-specific but its age (not redacted, no aggregations, not the
    /// viewer's own) as a <see cref="PreShapedEvent"/>, whose JSON is written once for all readers. Such a node can
    /// only be written out, not read as an object, and only the form without <c>room_id</c> is remembered; the sync
    /// timeline sets it.
    /// </summary>
    internal bool PreShape { get; init; }

    public static ClientEventOptions Timeline { get; } = new() { IncludePrevContent = true, BundleAggregations = true };

    /// <summary>The timeline format for <paramref name="viewer"/>.</summary>
    public static ClientEventOptions TimelineFor(string viewer) => Timeline with { Viewer = viewer };

    public static ClientEventOptions State { get; } = new();
}

/// <summary>
/// Turns stored events into the JSON clients receive: the client-visible fields of the PDU and an
/// <c>unsigned</c> block computed at read time (age, previous state, <c>redacted_because</c>, bundled
/// aggregations). One place, so every read path (event, state, members, messages, context, relations, sync) serves
/// events the same way. A list is served with one store read for its redactions and one for its aggregations.
/// </summary>
public sealed class ClientEventSerializer(RoomEventReader reader, IRoomRelationsStore relations, TimeProvider time)
{
    /// <summary>Serializes events, in the order given.</summary>
    public async Task<JsonArray> SerializeAsync(IReadOnlyList<StoredEvent> events, ClientEventOptions options, CancellationToken cancellationToken)
    {
        var serialized = await SerializeAllAsync(events, options, cancellationToken).ConfigureAwait(false);
        return new JsonArray([.. serialized]);
    }

    /// <summary>Serializes one stored event.</summary>
    public async Task<JsonObject> SerializeAsync(StoredEvent stored, ClientEventOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return (JsonObject)(await SerializeAllAsync([stored], options with { PreShape = false }, cancellationToken).ConfigureAwait(false))[0];
    }

    private async Task<List<JsonNode>> SerializeAllAsync(IReadOnlyList<StoredEvent> events, ClientEventOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        var result = new List<JsonNode>(events.Count);
        if (events.Count == 0)
        {
            return result;
        }

        // Spec: "Redactions": a redacted event is served redacted, with the redaction under unsigned.redacted_because.
        var redactions = await relations.GetRedactionsAsync([.. events.Select(e => e.EventId)], cancellationToken).ConfigureAwait(false);
        var bundles = options.BundleAggregations
            ? await GetBundlesAsync(events, options, cancellationToken).ConfigureAwait(false)
            : PageBundles.None;
        foreach (var stored in events)
        {
            var version = await reader.GetRoomVersionAsync(stored.RoomId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The room of stored event {stored.EventId} has no known version.");
            var redaction = redactions.GetValueOrDefault(stored.EventId) is { } r && r.RoomId == stored.RoomId ? r : null;
            if (options.PreShape && options.OmitRoomId && redaction is null && stored.StateKey is null && stored.Sender != options.Viewer
                && !bundles.Concern(stored))
            {
                result.Add(PreShapedEvent.Create(stored, Age(stored.OriginServerTs), e => Shape(RoomEventReader.ToPdu(e, version), version, options)));
                continue;
            }

            var pdu = RoomEventReader.ToPdu(stored, version);
            if (redaction is not null)
            {
                pdu = Pdu.Parse(Redaction.Redact(pdu.Json, version), version, pdu.EventId);
            }

            var json = Shape(pdu, version, options);
            var unsigned = (JsonObject)json["unsigned"]!;
            if (redaction is not null)
            {
                unsigned["redacted_because"] = Shape(RoomEventReader.ToPdu(redaction, version), version, options);
            }

            if (options.IncludePrevContent && pdu.StateKey is not null)
            {
                await AddPreviousStateAsync(unsigned, pdu, cancellationToken).ConfigureAwait(false);
            }

            if (bundles.ByRoom.GetValueOrDefault(stored.RoomId) is { } bundle && pdu.StateKey is null
                && Aggregate(stored, redacted: redaction is not null, bundle, bundles, options) is { Count: > 0 } aggregations)
            {
                unsigned["m.relations"] = aggregations;
            }

            result.Add(json);
        }

        return result;
    }

    /// <summary>
    /// The bundled aggregations of a page's message events: one store read per room, then the thread summaries'
    /// latest events and the edits are each served as one more page (so a page costs a fixed number of reads).
    /// </summary>
    private async Task<PageBundles> GetBundlesAsync(IReadOnlyList<StoredEvent> events, ClientEventOptions options, CancellationToken cancellationToken)
    {
        var byRoom = new Dictionary<string, BundledRelations>(StringComparer.Ordinal);
        foreach (var room in events.Where(e => e.StateKey is null).GroupBy(e => e.RoomId, StringComparer.Ordinal))
        {
            byRoom[room.Key] = await relations.GetBundledRelationsAsync(room.Key, [.. room.Select(e => e.EventId)], options.Viewer, cancellationToken)
                .ConfigureAwait(false);
        }

        // A thread's latest event carries its own aggregations (its edits) but no thread summary; edits carry none. So this stops.
        var latest = options.InsideThreadSummary ? [] : byRoom.Values.SelectMany(b => b.Threads.Values.Select(t => t.LatestEvent)).ToList();
        var edits = byRoom.Values.SelectMany(b => b.Replacements.Values).ToList();
        var latestJson = await SerializeAllAsync(latest, options with { IncludePrevContent = false, InsideThreadSummary = true, PreShape = false }, cancellationToken)
            .ConfigureAwait(false);
        var editJson = await SerializeAllAsync(edits, options with { IncludePrevContent = false, BundleAggregations = false, PreShape = false }, cancellationToken)
            .ConfigureAwait(false);
        return new PageBundles(byRoom, ById(latest, latestJson), ById(edits, editJson));
    }

    private static Dictionary<string, JsonObject> ById(List<StoredEvent> events, List<JsonNode> serialized)
    {
        var byId = new Dictionary<string, JsonObject>(events.Count, StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            byId[events[i].EventId] = (JsonObject)serialized[i];
        }

        return byId;
    }

    /// <summary>
    /// unsigned.m.relations of one event: m.thread (client-server "Threading"), m.reference ("Reference relations")
    /// and m.replace ("Event replacements", v1.7+: the most recent edit as a whole event; the original content is
    /// left as it is, and a redacted original bundles no edit). m.annotation is not aggregated by servers.
    /// </summary>
    private static JsonObject Aggregate(StoredEvent parent, bool redacted, BundledRelations bundle, PageBundles page, ClientEventOptions options)
    {
        var aggregations = new JsonObject();
        if (!options.InsideThreadSummary && bundle.Threads.GetValueOrDefault(parent.EventId) is { } thread)
        {
            aggregations[RelationTypes.Thread] = new JsonObject
            {
                ["latest_event"] = page.LatestEvents[thread.LatestEvent.EventId].DeepClone(),
                ["count"] = thread.Count,
                ["current_user_participated"] = thread.ViewerParticipated || (options.Viewer is not null && parent.Sender == options.Viewer),
            };
        }

        if (bundle.References.GetValueOrDefault(parent.EventId) is { Count: > 0 } references)
        {
            aggregations[RelationTypes.Reference] = new JsonObject
            {
                ["chunk"] = new JsonArray([.. references.Select(id => new JsonObject { ["event_id"] = id })]),
            };
        }

        if (!redacted && bundle.Replacements.GetValueOrDefault(parent.EventId) is { } edit)
        {
            aggregations[RelationTypes.Replace] = page.Edits[edit.EventId].DeepClone();
        }

        return aggregations;
    }

    /// <summary>A page's aggregations by room, and the served JSON of the thread summaries' latest events and of the edits, by event ID.</summary>
    private sealed record PageBundles(
        IReadOnlyDictionary<string, BundledRelations> ByRoom,
        IReadOnlyDictionary<string, JsonObject> LatestEvents,
        IReadOnlyDictionary<string, JsonObject> Edits)
    {
        public static PageBundles None { get; } = new(
            new Dictionary<string, BundledRelations>(), new Dictionary<string, JsonObject>(), new Dictionary<string, JsonObject>());

        /// <summary>Whether the page bundles anything under <paramref name="stored"/>.</summary>
        public bool Concern(StoredEvent stored) =>
            ByRoom.GetValueOrDefault(stored.RoomId) is { } bundle
            && (bundle.Threads.ContainsKey(stored.EventId) || bundle.References.ContainsKey(stored.EventId) || bundle.Replacements.ContainsKey(stored.EventId));
    }

    /// <summary>The client-visible fields of an event (no hashes, signatures or DAG fields), with <c>unsigned.age</c>.</summary>
    public JsonObject Shape(Pdu pdu, RoomVersion version, ClientEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(options);
        var json = new JsonObject
        {
            ["type"] = pdu.Type,
            ["event_id"] = pdu.EventId,
            ["sender"] = pdu.Sender,
            ["origin_server_ts"] = pdu.OriginServerTs,
            ["content"] = pdu.Content.DeepClone(),
        };
        if (!options.OmitRoomId)
        {
            json["room_id"] = pdu.RoomId;
        }

        if (pdu.StateKey is not null)
        {
            json["state_key"] = pdu.StateKey;
        }

        // From v11 "redacts" lives in content; clients written for older rooms still read the top-level key
        // (spec: m.room.redaction, "for backwards compatibility").
        if (pdu.Redacts is not null)
        {
            json["redacts"] = pdu.Redacts;
        }

        json["unsigned"] = new JsonObject { ["age"] = Age(pdu.OriginServerTs) };
        return json;
    }

    private long Age(long originServerTs) => Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds() - originServerTs);

    private async Task AddPreviousStateAsync(JsonObject unsigned, Pdu pdu, CancellationToken cancellationToken)
    {
        var before = await reader.Store.GetStateAtEventAsync(pdu.EventId, StatePoint.Before, cancellationToken).ConfigureAwait(false);
        if (before is null || !before.TryGetValue(new StateKey(pdu.Type, pdu.StateKey!), out var previousId))
        {
            return;
        }

        var previous = await reader.GetPduAsync(previousId, cancellationToken).ConfigureAwait(false);
        if (previous is not null)
        {
            unsigned["replaces_state"] = previous.EventId;
            unsigned["prev_content"] = previous.Content.DeepClone();
            unsigned["prev_sender"] = previous.Sender;
        }
    }
}
