using Microsoft.Data.Sqlite;
using Ranvier.Storage.Sqlite;
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

    [Fact]
    public async Task Once_the_checkpointer_has_caught_up_the_writer_copies_the_rest_and_the_WAL_starts_over()
    {
        // Driven by hand (no background loop). Frames written after the checkpointer's last pass (here by another
        // connection, as a busy writer's commits land during that pass) can only be copied by the writer's own pass
        // before its next transaction; then that transaction writes the WAL from its start.
        await using var engine = new SqliteStoreEngine();
        var options = engine.Options with { WalResetFrames = 8, CheckpointInBackground = false };
        await using var store = await SqliteStore.OpenAsync(options);
        var room = new LinearRoom(store.Rooms, "!reset:test");
        await room.SendAsync("m.room.create", "");
        for (var i = 0; i < 20; i++)
        {
            await room.SendAsync("m.room.message");
        }

        await using var other = new SqliteConnection($"Data Source={options.Path};Pooling=False");
        await other.OpenAsync();
        Execute(other, "BEGIN IMMEDIATE");

        var framesBefore = store.Checkpointer.CheckpointNow()!.Value.LogFrames;
        framesBefore.ShouldBeGreaterThanOrEqualTo(8);
        store.Flusher.Flushes.ShouldBe(0);
        store.Checkpointer.CheckpointAndCatchUp();
        store.Checkpointer.Resets.ShouldBe(0, "the writer copies the rest before its next transaction, not before");
        store.Flusher.Flushes.ShouldBe(1, "the database file is synced beside the writer, so its own pass has little to sync");

        // This transaction began before the checkpoint was done, so it cannot start the WAL over itself.
        Execute(other, "CREATE TABLE scratch (x BLOB); INSERT INTO scratch VALUES (randomblob(20000)); COMMIT");

        await room.SendAsync("m.room.message");

        store.Checkpointer.Resets.ShouldBe(1);
        var after = store.Checkpointer.CheckpointNow();
        after.ShouldNotBeNull();
        after.Value.LogFrames.ShouldBeLessThan(framesBefore, "the WAL started over");
        (await store.Rooms.GetEventAsync(room.LastEventId!)).ShouldNotBeNull();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
