using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// Resolves N room states into one with the algorithm of the room version (spec: rooms/v1 "State resolution",
/// rooms/fragments/v2-state-res, rooms/v12 "State resolution"). Each state is a map
/// (<c>event_type</c>, <c>state_key</c>) → event ID; the result is the same for any order of the inputs.
/// </summary>
public static class StateResolver
{
    /// <summary>Resolves with the spec's authorization rules, or with <paramref name="auth"/> when given.</summary>
    public static Dictionary<StateKey, string> Resolve(RoomVersion version, IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets,
        IEventSource source, IStateResolutionAuth? auth = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Resolve(new EventGraph(version, source), stateSets, auth);
    }

    /// <summary>As the other overload, reusing a graph (its memoised events and edges) across resolutions in one room.</summary>
    public static Dictionary<StateKey, string> Resolve(EventGraph graph, IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets, IStateResolutionAuth? auth = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        auth ??= SpecAuthRules.Instance;
        return graph.Version.StateResolution switch
        {
            StateResolutionAlgorithm.V1 => StateResolutionV1.Resolve(graph, auth, stateSets),
            StateResolutionAlgorithm.V2 or StateResolutionAlgorithm.V2_1 => StateResolutionV2.Resolve(graph, auth, stateSets),
            _ => throw new NotSupportedException($"Unknown state resolution algorithm {graph.Version.StateResolution}"),
        };
    }
}
