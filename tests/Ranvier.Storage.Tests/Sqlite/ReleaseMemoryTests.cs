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
    public async Task Reads_that_run_while_memory_is_released_are_served()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, "!busy:test");
        var create = await room.SendAsync("m.room.create", "");

        var reads = Enumerable.Range(0, 40).Select(_ => Task.Run(() => store.Rooms.GetEventAsync(create.EventId))).ToList();
        var releases = Enumerable.Range(0, 3).Select(_ => store.ReleaseMemoryAsync(CancellationToken.None)).ToList();

        await Task.WhenAll(releases);
        foreach (var read in reads)
        {
            (await read).ShouldNotBeNull();
        }
    }
}
