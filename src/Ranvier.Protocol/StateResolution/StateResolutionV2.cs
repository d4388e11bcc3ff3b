using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// State resolution v2 (room versions 2–11, spec: rooms/fragments/v2-state-res, "Algorithm") and its v12
/// revision (spec: rooms/v12, "State resolution"), which widens the full conflicted set with the conflicted
/// state subgraph and starts the power-event auth checks from an empty state instead of the unconflicted map.
/// </summary>
public static class StateResolutionV2
{
    public static Dictionary<StateKey, string> Resolve(EventGraph graph, IStateResolutionAuth auth, IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(auth);
        var split = StateSets.Split(stateSets);
        if (split.Conflicted.Count == 0)
        {
            return new Dictionary<StateKey, string>(split.Unconflicted);
        }

        var isV21 = graph.Version.StateResolution == StateResolutionAlgorithm.V2_1;

        // Full conflicted set: conflicted state ∪ auth difference (∪ conflicted state subgraph from v12),
        // limited to events the source knows.
        var conflicted = split.ConflictedEventIds();
        var full = AuthDifference.Compute(graph, stateSets, split);
        full.UnionWith(conflicted);
        if (isV21)
        {
            full.UnionWith(AuthDifference.ConflictedSubgraph(graph, conflicted));
        }

        full.RemoveWhere(id => graph.Find(id) is null);

        // 1. The power events and their conflicted ancestry, in reverse topological power order.
        var powerEvents = full.Where(id => PowerEvents.IsPowerEvent(graph.Find(id)!));
        var sortedPower = PowerOrdering.Sort(graph, auth, powerEvents, full);

        // 2. Iterative auth checks over them, from the unconflicted state map (v2) or from nothing (v12: the
        //    auth events supply what is missing, so a bogus unconflicted state cannot steer the checks).
        var resolved = isV21 ? [] : new Dictionary<StateKey, string>(split.Unconflicted);
        IterativeAuthChecks.Apply(graph, auth, resolved, sortedPower);

        // 3. Everything else in the full conflicted set, in mainline order of the partially resolved power levels.
        var picked = sortedPower.ToHashSet(StringComparer.Ordinal);
        var mainline = new MainlineOrdering(graph, resolved.GetValueOrDefault(new StateKey(EventTypes.PowerLevels, "")));
        var sortedRest = mainline.Sort(full.Where(id => !picked.Contains(id)));

        // 4. Iterative auth checks over those, on the partially resolved state.
        IterativeAuthChecks.Apply(graph, auth, resolved, sortedRest);

        // 5. The unconflicted state map wins over whatever the checks put at the same key.
        foreach (var (key, id) in split.Unconflicted)
        {
            resolved[key] = id;
        }

        return resolved;
    }
}
