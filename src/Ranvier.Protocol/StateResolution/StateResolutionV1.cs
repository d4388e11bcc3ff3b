using System.Security.Cryptography;
using System.Text;
using Ranvier.Protocol.Events;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The original state resolution of room version 1 (spec: rooms/v1, "State resolution"). Known to reset state
/// in some forks; kept because version-1 rooms still exist and every server must resolve them alike.
/// </summary>
public static class StateResolutionV1
{
    // The auth-relevant types, resolved first and in this order, each as one list across all its keys.
    private static readonly string[] AuthTypes = [EventTypes.PowerLevels, EventTypes.JoinRules, EventTypes.Member];

    public static Dictionary<StateKey, string> Resolve(EventGraph graph, IStateResolutionAuth auth, IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(auth);

        // R starts as the union of the states without the conflicting events.
        var split = StateSets.Split(stateSets);
        var resolved = new Dictionary<StateKey, string>(split.Unconflicted);
        if (split.Conflicted.Count == 0)
        {
            return resolved;
        }

        foreach (var type in AuthTypes)
        {
            var candidates = split.Conflicted
                .Where(entry => entry.Key.Type == type)
                .SelectMany(entry => entry.Value)
                .Select(graph.Find)
                .OfType<Pdu>()
                .Select(pdu => new Candidate(pdu))
                .ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            // Ascending depth, then descending sha1(event_id); the first is taken unchecked, each next one only
            // while the rules allow it, and the first refusal ends this type.
            candidates.Sort((a, b) => a.Pdu.Depth != b.Pdu.Depth ? a.Pdu.Depth.CompareTo(b.Pdu.Depth) : b.CompareHash(a));
            resolved[StateKey.Of(candidates[0].Pdu)] = candidates[0].Pdu.EventId;
            foreach (var candidate in candidates.Skip(1))
            {
                if (!IsAllowed(graph, auth, resolved, candidate.Pdu))
                {
                    break;
                }

                resolved[StateKey.Of(candidate.Pdu)] = candidate.Pdu.EventId;
            }
        }

        // Every other conflict: the highest depth, then lowest sha1(event_id), that the rules allow in R. Keys are
        // visited in a fixed order so the result does not depend on the order of the input states.
        var otherKeys = split.Conflicted.Keys
            .Where(key => !AuthTypes.Contains(key.Type, StringComparer.Ordinal))
            .OrderBy(key => key.Type, StringComparer.Ordinal)
            .ThenBy(key => key.Key, StringComparer.Ordinal);
        foreach (var key in otherKeys)
        {
            var candidates = split.Conflicted[key].Select(graph.Find).OfType<Pdu>().Select(pdu => new Candidate(pdu)).ToList();
            candidates.Sort((a, b) => a.Pdu.Depth != b.Pdu.Depth ? b.Pdu.Depth.CompareTo(a.Pdu.Depth) : a.CompareHash(b));
            var chosen = candidates.Find(candidate => IsAllowed(graph, auth, resolved, candidate.Pdu));
            if (chosen is not null)
            {
                resolved[key] = chosen.Pdu.EventId;
            }
        }

        return resolved;
    }

    private static bool IsAllowed(EventGraph graph, IStateResolutionAuth auth, Dictionary<StateKey, string> state, Pdu pdu) =>
        auth.IsAllowed(graph.Version, pdu, key => state.TryGetValue(key, out var id) ? graph.Find(id) : null);

    private sealed class Candidate(Pdu pdu)
    {
        // SHA-1 is what the v1 algorithm prescribes as a tie-break; it protects nothing here.
#pragma warning disable CA5350
        private readonly byte[] hash = SHA1.HashData(Encoding.UTF8.GetBytes(pdu.EventId));
#pragma warning restore CA5350

        public Pdu Pdu { get; } = pdu;

        public int CompareHash(Candidate other) => hash.AsSpan().SequenceCompareTo(other.hash);
    }
}