using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary>The SQLite store gives its page caches back when asked, and keeps working afterwards.</summary>
public sealed class ReleaseMemoryTests
{
    [Fact]
    public async Task Releasing_memory_empties_the_page_caches_and_changes_no_data()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, "!cache:test");
        await room.SendAsync("m.room.create", "");
        var sent = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add((await room.SendAsync("m.room.message", null)).EventId);
        }

        foreach (var eventId in sent)
        {
            (await store.Rooms.GetEventAsync(eventId)).ShouldNotBeNull();
        }

        var filled = await store.CacheBytesAsync();
        filled.ShouldBeGreaterThan(0);

        await store.ReleaseMemoryAsync(CancellationToken.None);

        (await store.CacheBytesAsync()).ShouldBeLessThan(filled / 4);
        foreach (var eventId in sent)
        {
            (await store.Rooms.GetEventAsync(eventId)).ShouldNotBeNull();
        }

        await room.SendAsync("m.room.message", null);
        (await store.CacheBytesAsync()).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Releases_that_run_together_with_reads_and_snapshots_all_finish()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, "!busy:test");
        var create = await room.SendAsync("m.room.create", "");

        // Many rounds, so the releases meet reads and snapshots that hold part of the connections (two releases that
        // each took some of the slots used to wait for each other for ever).
        for (var round = 0; round < 100; round++)
        {
            var reads = Enumerable.Range(0, 20).Select(_ => Task.Run(() => store.Rooms.GetEventAsync(create.EventId))).ToList();
            var snapshots = Enumerable.Range(0, 4).Select(_ => Task.Run(() => store.InSnapshotAsync(
                async () =>
                {
                    var first = await store.Rooms.GetEventAsync(create.EventId);
                    await Task.Yield();
                    return first is not null && await store.Rooms.GetEventAsync(create.EventId) is not null;
                },
                CancellationToken.None))).ToList();
            var releases = Enumerable.Range(0, 3).Select(_ => Task.Run(() => store.ReleaseMemoryAsync(CancellationToken.None))).ToList();

            await Task.WhenAll(releases).WaitAsync(TimeSpan.FromSeconds(30));
            foreach (var read in reads)
            {
                (await read.WaitAsync(TimeSpan.FromSeconds(30))).ShouldNotBeNull();
            }

            foreach (var snapshot in snapshots)
            {
                (await snapshot.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
            }
        }
    }
}
