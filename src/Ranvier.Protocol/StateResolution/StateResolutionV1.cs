using System.Security.Cryptography;
using System.Text;
using Ranvier.Protocol.Events;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The original state resolution of room version 1 (spec: rooms/v1, "State resolution"). Known to reset state
/// in some forks; kept because version-1 rooms still exist and every server must resolve them alike.
/// </summary>
/// <remarks>
/// Where the spec's prose leaves room, this follows Synapse, whose behaviour v1 rooms have lived with: each
/// conflicted key is resolved on its own (the prose gathers all member events into one list), every key of a
/// pass is checked against the state as it was before that pass, so the order of keys does not matter, and an
/// ordinary key none of whose events passes keeps the last one tried.
/// </remarks>
public static class StateResolutionV1
{
    // The auth-relevant types, resolved first and in this order.
    private static readonly string[] AuthTypes = [EventTypes.PowerLevels, EventTypes.JoinRules, EventTypes.Member];

    public static Dictionary<StateKey, string> Resolve(EventGraph graph, IStateResolutionAuth auth, IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(auth);

        // R starts as the union of the states without the conflicting events.
        var split = StateSets.Split(stateSets, missingKeyConflicts: false);
        var resolved = new Dictionary<StateKey, string>(split.Unconflicted);
        if (split.Conflicted.Count == 0)
        {
            return resolved;
        }

        foreach (var type in AuthTypes)
        {
            var before = new Dictionary<StateKey, string>(resolved);
            foreach (var (key, ids) in split.Conflicted.Where(entry => entry.Key.Type == type))
            {
                if (ResolveAuthKey(graph, auth, before, key, Candidates(graph, ids)) is { } chosen)
                {
                    resolved[key] = chosen;
                }
            }
        }

        // Every other conflict: the highest depth, then lowest sha1(event_id), that the rules allow in R.
        var final = new Dictionary<StateKey, string>(resolved);
        foreach (var (key, ids) in split.Conflicted.Where(entry => !AuthTypes.Contains(entry.Key.Type, StringComparer.Ordinal)))
        {
            var candidates = Candidates(graph, ids);
            candidates.Reverse();
            var chosen = candidates.Find(candidate => IsAllowed(graph, auth, final, candidate.Pdu)) ?? candidates.LastOrDefault();
            if (chosen is not null)
            {
                resolved[key] = chosen.Pdu.EventId;
            }
        }

        return resolved;
    }

    // Ascending depth, then descending sha1(event_id): the first is taken unchecked, each next one replaces it
    // while the rules allow it in R (holding the current choice at this key), and the first refusal ends it.
    private static string? ResolveAuthKey(EventGraph graph, IStateResolutionAuth auth, Dictionary<StateKey, string> state, StateKey key, List<Candidate> candidates)
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        var trial = new Dictionary<StateKey, string>(state) { [key] = candidates[0].Pdu.EventId };
        foreach (var candidate in candidates.Skip(1))
        {
            if (!IsAllowed(graph, auth, trial, candidate.Pdu))
            {
                break;
            }

            trial[key] = candidate.Pdu.EventId;
        }

        return trial[key];
    }

    private static List<Candidate> Candidates(EventGraph graph, IEnumerable<string> ids)
    {
        var candidates = ids.Select(graph.Find).OfType<Pdu>().Select(pdu => new Candidate(pdu)).ToList();
        candidates.Sort((a, b) => a.Pdu.Depth != b.Pdu.Depth ? a.Pdu.Depth.CompareTo(b.Pdu.Depth) : b.CompareHash(a));
        return candidates;
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
