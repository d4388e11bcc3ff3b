using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The auth DAG of one room as state resolution walks it: events looked up once through an
/// <see cref="IEventSource"/>, and each event's auth chain computed once and memoised, so resolving large
/// conflicts never re-walks shared history. One instance may serve several resolutions of the same room.
/// </summary>
/// <remarks>
/// From room version 12 events do not list the create event in <c>auth_events</c>: the room ID names it
/// (spec: rooms/v12, "Authorisation rules" rule 2). The graph adds that edge back, so the create event is in
/// every auth chain and is found when a sender's power or an auth event is looked up, as in earlier versions.
/// </remarks>
public sealed class EventGraph
{
    private static readonly HashSet<string> EmptyChain = [];

    private readonly IEventSource source;
    private readonly Dictionary<string, Pdu?> events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> authEdges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> chains = new(StringComparer.Ordinal);

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
        if (!events.TryGetValue(eventId, out var pdu))
        {
            pdu = source.Find(eventId);
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
    /// (spec: rooms/fragments/v2-state-res, "Auth chain"). Unknown events contribute their ID but no ancestors.
    /// </summary>
    public IReadOnlySet<string> AuthChain(string eventId)
    {
        if (chains.TryGetValue(eventId, out var known))
        {
            return known;
        }

        // Iterative post-order walk: a chain is built once all its auth events' chains are, and auth chains
        // can be thousands deep (every power-levels change cites the previous one), too deep to recurse.
        var stack = new Stack<(string Id, bool Expanded)>();
        var inProgress = new HashSet<string>(StringComparer.Ordinal);
        stack.Push((eventId, false));
        while (stack.Count > 0)
        {
            var (id, expanded) = stack.Pop();
            if (chains.ContainsKey(id))
            {
                continue;
            }

            var pdu = Find(id);
            if (pdu is null)
            {
                chains[id] = EmptyChain;
                continue;
            }

            var parents = AuthEventIds(pdu);
            if (!expanded)
            {
                inProgress.Add(id);
                stack.Push((id, true));
                foreach (var parent in parents)
                {
                    // A cycle cannot occur in valid events (auth events precede the event); skip it if forged.
                    if (!chains.ContainsKey(parent) && !inProgress.Contains(parent))
                    {
                        stack.Push((parent, false));
                    }
                }

                continue;
            }

            var chain = new HashSet<string>(StringComparer.Ordinal);
            foreach (var parent in parents)
            {
                chain.Add(parent);
                if (chains.TryGetValue(parent, out var parentChain))
                {
                    chain.UnionWith(parentChain);
                }
            }

            chain.Remove(id);
            chains[id] = chain;
            inProgress.Remove(id);
        }

        return chains[eventId];
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