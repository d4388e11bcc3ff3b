using System.Collections.Concurrent;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Facts about room state that never change once committed, remembered after the first read: a state key's nid, the
/// state group before and after an event, the entry of a state group at a key (a group is never altered, only
/// followed by new ones), and a stored event. Every woken sync asks the same few of them (the visibility of a new
/// event to each of its readers), so they cost a dictionary lookup instead of a query. Only what a read transaction
/// saw is added, so nothing uncommitted enters. Each map is bounded: when full it starts empty again.
/// </summary>
internal sealed class SqliteStateCache
{
    private readonly Bounded<(string Type, string Key), long> _keyNids = new(65_536);
    private readonly Bounded<(long EventNid, StatePoint Point), long> _groups = new(65_536);
    private readonly Bounded<(long Group, long KeyNid), long> _entries = new(131_072);
    private readonly Bounded<long, StoredEvent> _events = new(4_096);

    /// <summary>Nid of an interned state key (a key not interned yet is not remembered: it may be soon).</summary>
    public long? KeyNid(StateKey key, Func<StateKey, long?> read)
    {
        if (_keyNids.TryGet((key.Type, key.Key), out var nid))
        {
            return nid;
        }

        var found = read(key);
        if (found is { } value)
        {
            _keyNids.Add((key.Type, key.Key), value);
        }

        return found;
    }

    /// <summary>The state group before or after an event (none for an event without state, such as an outlier).</summary>
    public long? Group(long eventNid, StatePoint point, Func<long, long?> read)
    {
        if (_groups.TryGet((eventNid, point), out var group))
        {
            return group;
        }

        var found = read(eventNid);
        if (found is { } value)
        {
            _groups.Add((eventNid, point), value);
        }

        return found;
    }

    /// <summary>The event nid at each key in the group's state (keys absent from it are left out).</summary>
    public Dictionary<long, long> Entries(long group, IReadOnlyCollection<long> keyNids, Func<long, IReadOnlyCollection<long>, Dictionary<long, long>> read)
    {
        var found = new Dictionary<long, long>(keyNids.Count);
        List<long>? missing = null;
        foreach (var keyNid in keyNids)
        {
            if (_entries.TryGet((group, keyNid), out var eventNid))
            {
                if (eventNid != Absent)
                {
                    found[keyNid] = eventNid;
                }
            }
            else
            {
                (missing ??= []).Add(keyNid);
            }
        }

        if (missing is not null)
        {
            var loaded = read(group, missing);
            foreach (var keyNid in missing)
            {
                var eventNid = loaded.GetValueOrDefault(keyNid, Absent);
                _entries.Add((group, keyNid), eventNid);
                if (eventNid != Absent)
                {
                    found[keyNid] = eventNid;
                }
            }
        }

        return found;
    }

    /// <summary>A stored event by nid.</summary>
    public StoredEvent? Event(long eventNid, Func<long, StoredEvent?> read)
    {
        if (_events.TryGet(eventNid, out var stored))
        {
            return stored;
        }

        var found = read(eventNid);
        if (found is not null)
        {
            _events.Add(eventNid, found);
        }

        return found;
    }

    /// <summary>Forgets everything (to give memory back when idle).</summary>
    public void Clear()
    {
        _keyNids.Clear();
        _groups.Clear();
        _entries.Clear();
        _events.Clear();
    }

    /// <summary>Nids start at 1: 0 marks a key that is not in a group's state.</summary>
    private const long Absent = 0;

    private sealed class Bounded<TKey, TValue>(int capacity)
        where TKey : notnull
    {
        private readonly ConcurrentDictionary<TKey, TValue> _map = new();

        public bool TryGet(TKey key, out TValue value) => _map.TryGetValue(key, out value!);

        public void Add(TKey key, TValue value)
        {
            if (_map.Count >= capacity)
            {
                _map.Clear();
            }

            _map[key] = value;
        }

        public void Clear() => _map.Clear();
    }
}
