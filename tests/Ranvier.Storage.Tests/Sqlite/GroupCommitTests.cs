using Ranvier.Storage.Rooms;
using Ranvier.Storage.Sqlite;
using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;
using static Ranvier.Storage.Tests.Rooms.RoomEvents;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary>The SQLite writer's group commit: concurrent writes share one transaction, and fail alone.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Concurrent_writes_commit_in_fewer_transactions_than_writes()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        const int writes = 50;

        var (before, results) = await WhileWriterIsBusyAsync(store, () =>
            Enumerable.Range(0, writes).Select(i => new LinearRoom(store.Rooms, $"!r{i}:test").SendAsync("m.room.create", "")).ToList());

        // One transaction for the write that held the writer, one for all fifty queued behind it.
        (store.CommittedWriteTransactions - before).ShouldBe(2);
        results.Select(r => r.Persisted.StreamPosition!.Value).Order().ShouldBe(Enumerable.Range(1, writes).Select(i => (long)i));
    }

    [Fact]
    public async Task A_failing_write_in_a_batch_rolls_back_alone()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();

        // Fails after it has created its room, event, edges, state groups and taken a stream position.
        var bad = Accepted(Pdu("!bad:test", "$bad", "m.room.create", "", ["$missing-prev"], 1), StateInput.Empty,
            new StateInput.Full(State(("m.room.create", "", "$nowhere"))));
        Task<PersistedEvent>? badWrite = null;
        var (before, results) = await WhileWriterIsBusyAsync(store, () =>
        {
            var writes = new List<Task<(string EventId, PersistedEvent Persisted)>>();
            for (var i = 0; i < 10; i++)
            {
                writes.Add(new LinearRoom(store.Rooms, $"!r{i}:test").SendAsync("m.room.create", ""));
                if (i == 4)
                {
                    badWrite = store.Rooms.PersistEventAsync(bad);
                }
            }

            return writes;
        });

        await Should.ThrowAsync<StorageException>(badWrite!);
        (store.CommittedWriteTransactions - before).ShouldBe(2);
        results.Select(r => r.Persisted.StreamPosition!.Value).Order().ShouldBe(Enumerable.Range(1, 10).Select(i => (long)i));
        using var db = engine.OpenRaw();
        foreach (var (table, rows) in new[]
        {
            ("rooms", 10), ("events", 10), ("event_json", 10), ("event_edges", 0), ("state_groups", 20),
            ("state_group_entries", 10), ("current_state", 10), ("forward_extremities", 10),
        })
        {
            db.ScalarInt64($"SELECT count(*) FROM {table}").ShouldBe(rows, table);
        }

        db.ScalarInt64("SELECT pos FROM stream_counter").ShouldBe(10);
    }

    [Theory]
    [InlineData(SqliteDurability.Normal, 1)]
    [InlineData(SqliteDurability.Full, 2)]
    public async Task The_writer_runs_in_WAL_mode_with_the_configured_durability(SqliteDurability durability, long synchronous)
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await SqliteStore.OpenAsync(engine.Options with { Durability = durability });

        (await store.Writes.ExecuteAsync(s => s.Command("PRAGMA synchronous").ScalarInt64())).ShouldBe(synchronous);
        (await store.Writes.ExecuteAsync(s => s.Command("PRAGMA foreign_keys").ScalarInt64())).ShouldBe(1);
        (await store.Writes.ExecuteAsync(s => (string)s.Command("PRAGMA journal_mode").ExecuteScalar()!)).ShouldBe("wal");
    }

    [Fact]
    public async Task The_writer_keeps_its_savepoint_journal_in_memory()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await SqliteStore.OpenAsync(engine.Options);

        // 2 is MEMORY; the default (0) puts the sub-journal of each write item's savepoint into a temporary file.
        (await store.Writes.ExecuteAsync(s => s.Command("PRAGMA temp_store").ScalarInt64())).ShouldBe(2);
    }

    /// <summary>
    /// Holds the writer inside a transaction, starts <paramref name="startWrites"/> (which queue up behind it),
    /// then lets it go. Returns the commit count from before the release and the writes' results.
    /// </summary>
    private static async Task<(long CommitsBefore, T[] Results)> WhileWriterIsBusyAsync<T>(SqliteStore store, Func<List<Task<T>>> startWrites)
    {
        using var gate = new ManualResetEventSlim();
        var busy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = store.Writes.ExecuteAsync(_ =>
        {
            busy.SetResult();
            gate.Wait();
            return 0;
        });
        await busy.Task;
        var before = store.CommittedWriteTransactions;
        var writes = startWrites();
        gate.Set();
        await blocker;
        return (before, await Task.WhenAll(writes));
    }
}
