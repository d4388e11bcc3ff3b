namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The reverse topological power ordering (spec: rooms/fragments/v2-state-res, "Reverse topological power
/// ordering"): Kahn's algorithm over the auth DAG, always taking the smallest ready event by
/// (higher sender power first, then lower <c>origin_server_ts</c>, then lower event ID). A binary heap holds
/// the ready events, so the sort is O(E log E) however wide the conflict.
/// </summary>
public static class PowerOrdering
{
    /// <summary>
    /// Sorts <paramref name="powerEvents"/> together with the events of their auth chains that are in
    /// <paramref name="fullConflictedSet"/> (resolution step 1), earliest first.
    /// </summary>
    /// <remarks>
    /// Auth chains are followed through members of the full conflicted set only, the way Synapse builds the
    /// graph, so that servers agree. From v12 the conflicted state subgraph is part of that set, which makes
    /// this the same as taking every conflicted event of the whole chain.
    /// </remarks>
    public static List<string> Sort(EventGraph graph, IStateResolutionAuth auth, IEnumerable<string> powerEvents, IReadOnlySet<string> fullConflictedSet)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(powerEvents);
        ArgumentNullException.ThrowIfNull(fullConflictedSet);

        // Each selected event with its auth events inside the selection (its outgoing edges).
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var pending = new Stack<string>(powerEvents);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (edges.ContainsKey(id) || graph.Find(id) is not { } pdu)
            {
                continue;
            }

            var inside = new List<string>();
            foreach (var parent in graph.AuthEventIds(pdu))
            {
                if (fullConflictedSet.Contains(parent) && graph.Find(parent) is not null && !inside.Contains(parent, StringComparer.Ordinal))
                {
                    inside.Add(parent);
                    pending.Push(parent);
                }
            }

            edges[id] = inside;
        }

        return Kahn(edges, id => OrderKey(graph, auth, id));
    }

    /// <summary>
    /// Kahn's algorithm from the roots (events with no auth events inside the graph) towards the leaves, ties
    /// among ready events broken by <paramref name="key"/>. Keys are computed once per event.
    /// </summary>
    internal static List<string> Kahn(Dictionary<string, List<string>> edges, Func<string, PowerOrderKey> key)
    {
        var remaining = new Dictionary<string, int>(edges.Count, StringComparer.Ordinal);
        var children = new Dictionary<string, List<string>>(edges.Count, StringComparer.Ordinal);
        var ready = new PriorityQueue<string, PowerOrderKey>(edges.Count);
        foreach (var (id, parents) in edges)
        {
            remaining[id] = parents.Count;
            foreach (var parent in parents)
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(id);
            }

            if (parents.Count == 0)
            {
                ready.Enqueue(id, key(id));
            }
        }

        var sorted = new List<string>(edges.Count);
        while (ready.TryDequeue(out var id, out _))
        {
            sorted.Add(id);
            if (!children.TryGetValue(id, out var list))
            {
                continue;
            }

            foreach (var child in list)
            {
                if (--remaining[child] == 0)
                {
                    ready.Enqueue(child, key(child));
                }
            }
        }

        return sorted;
    }

    private static PowerOrderKey OrderKey(EventGraph graph, IStateResolutionAuth auth, string id)
    {
        var pdu = graph.Find(id)!;
        var authEvents = graph.AuthEventsByKey(pdu, includeRejected: true);
        var power = auth.SenderPowerLevel(graph.Version, pdu, key => authEvents.GetValueOrDefault(key));
        return new PowerOrderKey(power, pdu.OriginServerTs, pdu.EventId);
    }
}

/// <summary>The tie-break of the reverse topological power ordering: greater power first, then earlier timestamp, then smaller event ID.</summary>
internal readonly record struct PowerOrderKey(long SenderPower, long OriginServerTs, string EventId) : IComparable<PowerOrderKey>
{
    public int CompareTo(PowerOrderKey other)
    {
        var byPower = other.SenderPower.CompareTo(SenderPower);
        if (byPower != 0)
        {
            return byPower;
        }

        var byTs = OriginServerTs.CompareTo(other.OriginServerTs);
        return byTs != 0 ? byTs : string.CompareOrdinal(EventId, other.EventId);
    }
}
