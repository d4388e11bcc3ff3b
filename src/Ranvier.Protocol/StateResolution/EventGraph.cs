using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The auth DAG of one room as state resolution walks it: events and their auth edges looked up once through
/// an <see cref="IEventSource"/> and memoised, and auth chains walked iteratively (they can be thousands deep).
/// One instance may serve several resolutions of the same room, one at a time (it is not thread-safe).
/// </summary>
/// <remarks>
/// From room version 12 events do not list the create event in <c>auth_events</c>: the room ID names it
/// (spec: rooms/v12, "Authorisation rules" rule 2). The graph adds that edge back, so the create event is in
/// every auth chain and is found when a sender's power or an auth event is looked up, as in earlier versions.
/// </remarks>
public sealed class EventGraph
{
    private readonly IEventSource source;
    private readonly Dictionary<string, Pdu> events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> authEdges = new(StringComparer.Ordinal);

    public EventGraph(RoomVersion version, IEventSource source)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(source);
        Version = version;
        this.source = source;
    }

    public RoomVersion Version { get; }

    /// <summary>The event, or null when the source does not know it.</summary>
    public Pdu? Find(string eventId)
    {
        if (events.TryGetValue(eventId, out var pdu))
        {
            return pdu;
        }

        // Misses are not remembered: an event fetched later must be seen by the next resolution on this graph.
        pdu = source.Find(eventId);
        if (pdu is not null)
        {
            events[eventId] = pdu;
        }

        return pdu;
    }

    public bool IsRejected(string eventId) => source.IsRejected(eventId);

    /// <summary>The event's auth events, with the v12 implicit create event added.</summary>
    public IReadOnlyList<string> AuthEventIds(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        if (!Version.RoomIdFromCreateEvent || pdu.Type == EventTypes.Create || pdu.RoomId.Length < 2)
        {
            return pdu.AuthEvents;
        }

        if (!authEdges.TryGetValue(pdu.EventId, out var ids))
        {
            var createId = "$" + pdu.RoomId[1..];
            ids = pdu.AuthEvents.Contains(createId, StringComparer.Ordinal) ? pdu.AuthEvents : [createId, .. pdu.AuthEvents];
            authEdges[pdu.EventId] = ids;
        }

        return ids;
    }

    /// <summary>The <c>m.room.power_levels</c> event among the event's auth events, if any (the mainline step).</summary>
    public Pdu? PowerLevelsAuthEvent(Pdu pdu)
    {
        foreach (var id in AuthEventIds(pdu))
        {
            if (Find(id) is { Type: EventTypes.PowerLevels, StateKey: "" } pl)
            {
                return pl;
            }
        }

        return null;
    }

    /// <summary>
    /// The auth chain of the event: everything reachable through <c>auth_events</c>, not the event itself
    /// (spec: rooms/fragments/v2-state-res, "Auth chain").
    /// </summary>
    public HashSet<string> AuthChain(string eventId) => AuthChain([eventId]);

    /// <summary>
    /// The union of the auth chains of <paramref name="eventIds"/>, in one walk linear in its size. A walk
    /// does not enter <paramref name="known"/>, a set already closed under auth ancestry (such as an earlier
    /// result), so a shared history is walked once. Unknown events are included but have no ancestors.
    /// </summary>
    /// <remarks>
    /// Chains are not stored per event: every power-levels change cites the previous one, so per-event chains
    /// of a long-lived room sum to the square of its history. Events and edges are memoised instead.
    /// </remarks>
    public HashSet<string> AuthChain(IEnumerable<string> eventIds, IReadOnlySet<string>? known = null)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var chain = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        foreach (var id in eventIds)
        {
            PushParents(id);
        }

        while (pending.Count > 0)
        {
            PushParents(pending.Pop());
        }

        return chain;

        void PushParents(string id)
        {
            if (Find(id) is not { } pdu)
            {
                return;
            }

            foreach (var parent in AuthEventIds(pdu))
            {
                if (known?.Contains(parent) != true && chain.Add(parent))
                {
                    pending.Push(parent);
                }
            }
        }
    }

    /// <summary>
    /// The event's known auth events keyed by state key, rejected ones left out unless asked for (spec:
    /// rooms/fragments/v2-state-res, "Iterative auth checks": rejected auth events are not used there).
    /// </summary>
    internal Dictionary<StateKey, Pdu> AuthEventsByKey(Pdu pdu, bool includeRejected = false)
    {
        var byKey = new Dictionary<StateKey, Pdu>();
        foreach (var id in AuthEventIds(pdu))
        {
            if (Find(id) is { StateKey: not null } auth && (includeRejected || !IsRejected(id)))
            {
                byKey[StateKey.Of(auth)] = auth;
            }
        }

        return byKey;
    }
}
