using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary>The checkpointer beside the writer copies the WAL into the database and empties it once writes pause.</summary>
public sealed class CheckpointerTests
{
    [Fact]
    public async Task A_passive_checkpoint_copies_what_the_writer_committed()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, "!wal:test");
        await room.SendAsync("m.room.create", "");
        for (var i = 0; i < 10; i++)
        {
            await room.SendAsync("m.room.message");
        }

        var result = store.Checkpointer.CheckpointNow();

        result.ShouldNotBeNull();
        result.Value.CheckpointedFrames.ShouldBe(result.Value.LogFrames);
    }

    [Fact]
    public async Task When_writes_pause_the_WAL_is_emptied_and_the_data_stays()
    {
        await using var engine = new SqliteStoreEngine();
        var wal = engine.Options.Path + "-wal";
        var room = default(LinearRoom);
        await using (var store = await engine.OpenSqliteAsync())
        {
            room = new LinearRoom(store.Rooms, "!pause:test");
            await room.SendAsync("m.room.create", "");
            for (var i = 0; i < 20; i++)
            {
                await room.SendAsync("m.room.message");
            }

            new FileInfo(wal).Length.ShouldBeGreaterThan(0);

            // Polled with a bound: the checkpointer truncates one quiet interval after the last write.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (new FileInfo(wal).Length > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            new FileInfo(wal).Length.ShouldBe(0);
            (await store.Rooms.GetEventAsync(room.LastEventId!)).ShouldNotBeNull();
        }

        await using var reopened = await engine.OpenSqliteAsync();
        foreach (var eventId in room.EventIds)
        {
            (await reopened.Rooms.GetEventAsync(eventId)).ShouldNotBeNull();
        }
    }
}
