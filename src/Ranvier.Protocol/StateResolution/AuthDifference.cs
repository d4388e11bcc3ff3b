namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The event sets that widen the conflicted state set into the full conflicted set: the auth difference
/// (spec: rooms/fragments/v2-state-res, "Auth difference") and, from room version 12, the conflicted state
/// subgraph (spec: rooms/v12, "Conflicted state subgraph").
/// </summary>
public static class AuthDifference
{
    /// <summary>
    /// ∪Cᵢ − ∩Cᵢ, where Cᵢ is the full auth chain of state set i: its events and all their auth chains. The
    /// events themselves count, as in Synapse, so an event every set holds is never in the difference even when
    /// a conflicted event of one set cites it.
    /// </summary>
    /// <remarks>
    /// The unconflicted events are in every set, so they and their chains (U) are in every Cᵢ and never in the
    /// difference. U is walked once; each Cᵢ is then U plus Dᵢ, the set's conflicted events and their chains
    /// walked without entering U, and the difference is ∪Dᵢ − ∩Dᵢ. The cost is one walk of the shared history
    /// plus walks of the (usually short) branches.
    /// </remarks>
    public static HashSet<string> Compute(EventGraph graph, IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets)
    {
        ArgumentNullException.ThrowIfNull(stateSets);
        return Compute(graph, stateSets, StateSets.Split(stateSets));
    }

    internal static HashSet<string> Compute(EventGraph graph, IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets, StateSets split)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var common = graph.AuthChain(split.Unconflicted.Values);
        common.UnionWith(split.Unconflicted.Values);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var set in stateSets)
        {
            var own = set.Where(entry => split.Conflicted.ContainsKey(entry.Key) && !common.Contains(entry.Value)).Select(entry => entry.Value).ToList();
            var chain = graph.AuthChain(own, common);
            chain.UnionWith(own);
            foreach (var id in chain)
            {
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }

        var difference = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, count) in counts)
        {
            if (count < stateSets.Count)
            {
                difference.Add(id);
            }
        }

        return difference;
    }

    /// <summary>
    /// The conflicted state subgraph: every event on an <c>auth_events</c> path from one conflicted event to
    /// another, endpoints included. An event is on such a path when it is in the auth chain of a conflicted
    /// event and a conflicted event is in its own auth chain (or it is conflicted itself).
    /// </summary>
    public static HashSet<string> ConflictedSubgraph(EventGraph graph, IReadOnlySet<string> conflicted)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(conflicted);
        var below = graph.AuthChain(conflicted);
        var subgraph = new HashSet<string>(conflicted, StringComparer.Ordinal);
        var reaches = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var id in below)
        {
            if (ReachesConflicted(graph, id, conflicted, reaches))
            {
                subgraph.Add(id);
            }
        }

        return subgraph;
    }

    // Whether a conflicted event is a proper ancestor of `start`, memoised over the walk (iterative: auth
    // chains may be deep). Results for every event visited are kept, so all of `below` costs linear time.
    private static bool ReachesConflicted(EventGraph graph, string start, IReadOnlySet<string> conflicted, Dictionary<string, bool> reaches)
    {
        var stack = new Stack<(string Id, bool Expanded)>();
        var inProgress = new HashSet<string>(StringComparer.Ordinal);
        stack.Push((start, false));
        while (stack.Count > 0)
        {
            var (id, expanded) = stack.Pop();
            if (reaches.ContainsKey(id))
            {
                continue;
            }

            var parents = graph.Find(id) is { } pdu ? graph.AuthEventIds(pdu) : [];
            if (!expanded)
            {
                inProgress.Add(id);
                stack.Push((id, true));
                foreach (var parent in parents)
                {
                    if (!reaches.ContainsKey(parent) && !conflicted.Contains(parent) && !inProgress.Contains(parent))
                    {
                        stack.Push((parent, false));
                    }
                }

                continue;
            }

            var result = false;
            foreach (var parent in parents)
            {
                // A missing entry can only come from a forged cycle: count it as not reaching.
                result |= conflicted.Contains(parent) || reaches.GetValueOrDefault(parent);
            }

            reaches[id] = result;
            inProgress.Remove(id);
        }

        return reaches[start];
    }
}
