using Ranvier.Protocol.Events;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The mainline ordering (spec: rooms/fragments/v2-state-res, "Mainline ordering"): events sorted by how far
/// back on the mainline of the resolved power-levels event their own power-levels ancestry joins it (earlier
/// first; never joining counts as earliest), then by <c>origin_server_ts</c>, then by event ID.
/// </summary>
public sealed class MainlineOrdering
{
    // Mainline events mapped to a depth that grows towards the resolved event: Pₙ (the oldest) is 1 and P₀ is
    // n + 1, so "greater mainline position first" is plain ascending depth, and 0 stands for "∞".
    private readonly Dictionary<string, int> depths = new(StringComparer.Ordinal);
    private readonly EventGraph graph;

    public MainlineOrdering(EventGraph graph, string? resolvedPowerLevelsId)
    {
        ArgumentNullException.ThrowIfNull(graph);
        this.graph = graph;

        var mainline = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var p = resolvedPowerLevelsId is null ? null : graph.Find(resolvedPowerLevelsId); p is not null && seen.Add(p.EventId); p = graph.PowerLevelsAuthEvent(p))
        {
            mainline.Add(p.EventId);
        }

        for (var i = 0; i < mainline.Count; i++)
        {
            depths[mainline[i]] = mainline.Count - i;
        }
    }

    /// <summary>The events, smallest first.</summary>
    public List<string> Sort(IEnumerable<string> eventIds)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var keyed = new List<(int Depth, long Ts, string Id)>();
        foreach (var id in eventIds)
        {
            if (graph.Find(id) is { } pdu)
            {
                keyed.Add((Depth(pdu), pdu.OriginServerTs, id));
            }
        }

        keyed.Sort((a, b) =>
        {
            var byDepth = a.Depth.CompareTo(b.Depth);
            if (byDepth != 0)
            {
                return byDepth;
            }

            var byTs = a.Ts.CompareTo(b.Ts);
            return byTs != 0 ? byTs : string.CompareOrdinal(a.Id, b.Id);
        });
        return keyed.ConvertAll(k => k.Id);
    }

    /// <summary>
    /// The depth of the first mainline event among e₁, e₂, … (the power-levels ancestry of the event, the event
    /// itself excluded), or 0 when there is none. Every power-levels event walked is memoised with the answer,
    /// so events sharing an off-mainline ancestry walk it once.
    /// </summary>
    internal int Depth(Pdu pdu)
    {
        var walked = new HashSet<string>(StringComparer.Ordinal);
        var depth = 0;
        for (var p = graph.PowerLevelsAuthEvent(pdu); p is not null; p = graph.PowerLevelsAuthEvent(p))
        {
            if (depths.TryGetValue(p.EventId, out depth))
            {
                break;
            }

            if (!walked.Add(p.EventId))
            {
                // A forged cycle of power-levels events: it never reaches the mainline.
                break;
            }
        }

        foreach (var id in walked)
        {
            depths[id] = depth;
        }

        return depth;
    }
}
