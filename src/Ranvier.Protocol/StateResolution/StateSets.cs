namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The split of N state sets into the unconflicted state map and the conflicted state set (spec:
/// rooms/fragments/v2-state-res, "Unconflicted state map and conflicted state set"). In v2 a key missing from
/// some set but present in another is conflicted; in v1 only different event IDs conflict (spec: rooms/v1,
/// "A conflict occurs between states where those states have different event_ids").
/// </summary>
public sealed class StateSets
{
    private StateSets(Dictionary<StateKey, string> unconflicted, Dictionary<StateKey, HashSet<string>> conflicted)
    {
        Unconflicted = unconflicted;
        Conflicted = conflicted;
    }

    public IReadOnlyDictionary<StateKey, string> Unconflicted { get; }

    /// <summary>For each conflicted key, the distinct event IDs the sets hold for it.</summary>
    public IReadOnlyDictionary<StateKey, HashSet<string>> Conflicted { get; }

    /// <summary>Every event ID of the conflicted state set.</summary>
    public HashSet<string> ConflictedEventIds() =>
        Conflicted.Values.SelectMany(ids => ids).ToHashSet(StringComparer.Ordinal);

    public static StateSets Split(IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets, bool missingKeyConflicts = true)
    {
        ArgumentNullException.ThrowIfNull(stateSets);
        var unconflicted = new Dictionary<StateKey, string>();
        var conflicted = new Dictionary<StateKey, HashSet<string>>();
        if (stateSets.Count == 0)
        {
            return new StateSets(unconflicted, conflicted);
        }

        var keys = new HashSet<StateKey>();
        foreach (var set in stateSets)
        {
            keys.UnionWith(set.Keys);
        }

        foreach (var key in keys)
        {
            string? first = null;
            var same = true;
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var set in stateSets)
            {
                if (set.TryGetValue(key, out var id))
                {
                    ids.Add(id);
                    first ??= id;
                    same &= id == first;
                }
                else
                {
                    same &= !missingKeyConflicts;
                }
            }

            if (same && ids.Count == 1)
            {
                unconflicted[key] = first!;
            }
            else
            {
                conflicted[key] = ids;
            }
        }

        return new StateSets(unconflicted, conflicted);
    }
}
