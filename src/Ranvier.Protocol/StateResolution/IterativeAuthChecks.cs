using Ranvier.Protocol.Events;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The iterative auth checks (spec: rooms/fragments/v2-state-res, "Iterative auth checks"): each event in turn
/// enters the state if the authorization rules allow it there.
/// </summary>
public static class IterativeAuthChecks
{
    /// <summary>
    /// Applies <paramref name="orderedEventIds"/> to <paramref name="state"/> in place. A key the rules ask for
    /// that the state lacks is answered from the event's own (non-rejected) auth events.
    /// </summary>
    public static void Apply(EventGraph graph, IStateResolutionAuth auth, Dictionary<StateKey, string> state, IEnumerable<string> orderedEventIds)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(orderedEventIds);
        foreach (var id in orderedEventIds)
        {
            if (graph.Find(id) is not { StateKey: not null } pdu)
            {
                continue;
            }

            var authEvents = graph.AuthEventsByKey(pdu);
            Pdu? Lookup(StateKey key) =>
                state.TryGetValue(key, out var current) && !graph.IsRejected(current) && graph.Find(current) is { } fromState
                    ? fromState
                    : authEvents.GetValueOrDefault(key);

            if (auth.IsAllowed(graph.Version, pdu, Lookup))
            {
                state[StateKey.Of(pdu)] = id;
            }
        }
    }
}
