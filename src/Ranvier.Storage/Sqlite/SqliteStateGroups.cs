using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// State as groups: a group is a full snapshot or a delta on a previous group, and a chain of deltas is never
/// longer than the configured bound (then a fresh snapshot is written). Internally a state is a map of interned
/// state-key nid → event nid. All methods run on the caller's session and transaction.
/// </summary>
internal sealed class SqliteStateGroups(int maxChainLength)
{
    // The group, then its ancestors down to the snapshot; entries read root first so nearer deltas win.
    private const string ChainEntries = """
        WITH RECURSIVE chain (group_nid, level) AS (
            SELECT @g, 0
            UNION ALL
            SELECT g.prev_group, chain.level + 1 FROM state_groups g JOIN chain ON g.group_nid = chain.group_nid
            WHERE g.prev_group IS NOT NULL)
        """;

    public static long InternStateKey(SqliteSession s, StateKey key)
    {
        var existing = s.Command("SELECT state_key_nid FROM state_keys WHERE type = @t AND state_key = @k")
            .With("@t", key.Type).With("@k", key.Key).ScalarInt64OrNull();
        return existing ?? s.Command("INSERT INTO state_keys (type, state_key) VALUES (@t, @k) RETURNING state_key_nid")
            .With("@t", key.Type).With("@k", key.Key).ScalarInt64();
    }

    /// <summary>The state of a group as state-key nid → event nid.</summary>
    public static Dictionary<long, long> LoadNids(SqliteSession s, long groupNid)
    {
        var state = new Dictionary<long, long>();
        using var r = s.Command(ChainEntries + """
            SELECT s.state_key_nid, s.event_nid FROM chain JOIN state_group_entries s ON s.group_nid = chain.group_nid
            ORDER BY chain.level DESC
            """).With("@g", groupNid).ExecuteReader();
        while (r.Read())
        {
            if (r.IsDBNull(1))
            {
                state.Remove(r.GetInt64(0));
            }
            else
            {
                state[r.GetInt64(0)] = r.GetInt64(1);
            }
        }

        return state;
    }

    /// <summary>The entries of a group's state at a few state-key nids only, as state-key nid → event nid.</summary>
    public static Dictionary<long, long> LoadNids(SqliteSession s, long groupNid, IReadOnlyCollection<long> keyNids)
    {
        var state = new Dictionary<long, long>();
        if (keyNids.Count == 0)
        {
            return state;
        }

        // The nids travel as one JSON array parameter, so every call shares one prepared statement (inlined values made
        // a new statement to parse, plan and keep per distinct set of keys, such as each user's member key).
        using var r = s.Command(ChainEntries + """
            SELECT s.state_key_nid, s.event_nid FROM chain JOIN state_group_entries s ON s.group_nid = chain.group_nid
            WHERE s.state_key_nid IN (SELECT value FROM json_each(@k))
            ORDER BY chain.level DESC
            """).With("@g", groupNid).With("@k", "[" + string.Join(',', keyNids) + "]").ExecuteReader();
        while (r.Read())
        {
            if (r.IsDBNull(1))
            {
                state.Remove(r.GetInt64(0));
            }
            else
            {
                state[r.GetInt64(0)] = r.GetInt64(1);
            }
        }

        return state;
    }

    /// <summary>The state of a group as (type, state_key) → event ID.</summary>
    public static Dictionary<StateKey, string> Load(SqliteSession s, long groupNid)
    {
        var state = new Dictionary<StateKey, string>();
        using var r = s.Command(ChainEntries + """
            SELECT k.type, k.state_key, e.event_id
            FROM chain JOIN state_group_entries s ON s.group_nid = chain.group_nid
            JOIN state_keys k ON k.state_key_nid = s.state_key_nid
            LEFT JOIN events e ON e.event_nid = s.event_nid
            ORDER BY chain.level DESC
            """).With("@g", groupNid).ExecuteReader();
        while (r.Read())
        {
            var key = new StateKey(r.GetString(0), r.GetString(1));
            if (r.IsDBNull(2))
            {
                state.Remove(key);
            }
            else
            {
                state[key] = r.GetString(2);
            }
        }

        return state;
    }

    /// <summary>
    /// Stores a new group: <paramref name="changes"/> (event nid null = removed) on top of <paramref name="baseGroup"/>,
    /// or a snapshot of <paramref name="changes"/> when there is no base. Writes a full snapshot instead of a delta
    /// when the delta would make the chain longer than the bound.
    /// </summary>
    public long Create(SqliteSession s, long roomNid, long? baseGroup, IReadOnlyDictionary<long, long?> changes)
    {
        long? prev = baseGroup;
        long chainLength = 0;
        IEnumerable<KeyValuePair<long, long?>> entries = changes;
        if (baseGroup is { } b)
        {
            chainLength = s.Command("SELECT chain_length FROM state_groups WHERE group_nid = @g").With("@g", b).ScalarInt64() + 1;
            if (chainLength > maxChainLength)
            {
                var full = LoadNids(s, b);
                Apply(full, changes);
                entries = full.Select(static kv => KeyValuePair.Create(kv.Key, (long?)kv.Value));
                prev = null;
                chainLength = 0;
            }
        }

        var group = s.Command("INSERT INTO state_groups (room_nid, prev_group, chain_length) VALUES (@r, @p, @c) RETURNING group_nid")
            .With("@r", roomNid).With("@p", prev).With("@c", chainLength).ScalarInt64();
        foreach (var (key, eventNid) in entries)
        {
            // A snapshot has nothing to remove from.
            if (prev is null && eventNid is null)
            {
                continue;
            }

            s.Command("INSERT INTO state_group_entries (group_nid, state_key_nid, event_nid) VALUES (@g, @k, @e)")
                .With("@g", group).With("@k", key).With("@e", eventNid).ExecuteNonQuery();
        }

        return group;
    }

    public static void Apply(Dictionary<long, long> state, IReadOnlyDictionary<long, long?> changes)
    {
        foreach (var (key, eventNid) in changes)
        {
            if (eventNid is { } e)
            {
                state[key] = e;
            }
            else
            {
                state.Remove(key);
            }
        }
    }
}
