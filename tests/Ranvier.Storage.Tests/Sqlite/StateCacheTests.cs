using Ranvier.Storage.Rooms;
using Ranvier.Storage.Sqlite;
using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary><see cref="SqliteStateCache"/>: state facts read once are answered from memory, and only facts that cannot change are kept.</summary>
public sealed class StateCacheTests
{
    [Fact]
    public void What_was_found_is_remembered_and_what_was_not_is_asked_again()
    {
        var cache = new SqliteStateCache();
        var reads = 0;
        var key = new StateKey("m.room.member", "@u:test");

        cache.KeyNid(key, _ => { reads++; return null; }).ShouldBeNull();
        cache.KeyNid(key, _ => { reads++; return 5; }).ShouldBe(5);
        cache.KeyNid(key, _ => { reads++; return 6; }).ShouldBe(5);
        reads.ShouldBe(2, "a key not interned yet may be interned later; an interned one keeps its nid");

        cache.Group(10, StatePoint.Before, _ => 3).ShouldBe(3);
        cache.Group(10, StatePoint.After, _ => 4).ShouldBe(4);
        cache.Group(10, StatePoint.Before, _ => throw new InvalidOperationException("asked again")).ShouldBe(3);

        // A group's entries: the keys absent from its state are remembered as absent too.
        var asked = new List<long[]>();
        Dictionary<long, long> Load(long group, IReadOnlyCollection<long> keys)
        {
            asked.Add([.. keys]);
            return keys.Where(k => k != 2).ToDictionary(k => k, k => k * 100);
        }

        cache.Entries(7, [1, 2], Load).ShouldBe(new Dictionary<long, long> { [1] = 100 });
        cache.Entries(7, [1, 2, 3], Load).ShouldBe(new Dictionary<long, long> { [1] = 100, [3] = 300 });
        asked.ShouldBe([[1, 2], [3]]);

        cache.Clear();
        cache.Group(10, StatePoint.Before, _ => 8).ShouldBe(8);
    }

    [Fact]
    public async Task State_at_events_read_through_the_cache_equals_the_state_read_afresh()
    {
        await using var engine = new SqliteStoreEngine();
        var keys = new[] { new StateKey("m.room.create", ""), new StateKey("m.room.topic", ""), new StateKey("m.room.name", "") };
        List<long> nids;
        IReadOnlyDictionary<long, IReadOnlyDictionary<StateKey, StoredEvent>> first, second;
        await using (var store = await engine.OpenSqliteAsync())
        {
            var room = new LinearRoom(store.Rooms, "!state:test");
            nids = [(await room.SendAsync("m.room.create", "")).Persisted.EventNid];
            for (var i = 0; i < 6; i++)
            {
                nids.Add((await room.SendAsync(i % 2 == 0 ? "m.room.topic" : "m.room.message", i % 2 == 0 ? "" : null)).Persisted.EventNid);
            }

            first = await store.Rooms.GetStateEventsAtEventsAsync(nids, keys, StatePoint.Before);
            second = await store.Rooms.GetStateEventsAtEventsAsync(nids, keys, StatePoint.Before);
        }

        await using var reopened = await engine.OpenSqliteAsync();
        var afresh = await reopened.Rooms.GetStateEventsAtEventsAsync(nids, keys, StatePoint.Before);
        foreach (var nid in nids)
        {
            first[nid].ShouldBe(afresh[nid]);
            second[nid].ShouldBe(afresh[nid]);
        }

        afresh[nids[^1]].Keys.ShouldBe([keys[0], keys[1]], ignoreOrder: true);
    }
}
