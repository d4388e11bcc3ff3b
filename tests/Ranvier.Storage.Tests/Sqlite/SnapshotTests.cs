using Ranvier.Storage.Sqlite;
using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary>
/// <see cref="IRanvierStore.InSnapshotAsync{T}"/>: the reads of one piece of work see one state of the data, other
/// work does not, and the connection goes back when the work ends.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public async Task Reads_inside_a_snapshot_see_the_state_of_its_first_read_and_others_see_the_latest()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, "!snap:test");
        var create = await room.SendAsync("m.room.create", "");

        var (insideBefore, insideAfter, outsideAfter) = await store.InSnapshotAsync(
            async () =>
            {
                var before = await store.Rooms.GetEventAsync(create.EventId);
                var later = await room.SendAsync("m.room.message", null);
                var inside = await store.Rooms.GetEventAsync(later.EventId);
                // Another flow (not part of this work, such as another request) reads the latest commit.
                Task<Storage.Rooms.StoredEvent?> other;
                using (ExecutionContext.SuppressFlow())
                {
                    other = Task.Run(() => store.Rooms.GetEventAsync(later.EventId));
                }

                var outside = await other.WaitAsync(TimeSpan.FromSeconds(30));
                return (before, inside, outside);
            },
            CancellationToken.None);

        insideBefore.ShouldNotBeNull();
        insideAfter.ShouldBeNull("the snapshot was taken before the message was written");
        outsideAfter.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_snapshot_ends_with_its_work_so_later_reads_see_new_writes_and_connections_are_not_leaked()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await SqliteStore.OpenAsync(engine.Options with { ReadConnections = 1 });
        var room = new LinearRoom(store.Rooms, "!ends:test");
        var create = await room.SendAsync("m.room.create", "");

        // More snapshots than it has connections for, one after another and nested: each gives its connection back.
        for (var i = 0; i < 5; i++)
        {
            var found = await store.InSnapshotAsync(
                async () => await store.InSnapshotAsync(() => store.Rooms.GetEventAsync(create.EventId), CancellationToken.None),
                CancellationToken.None);
            found.ShouldNotBeNull();
        }

        var message = await room.SendAsync("m.room.message", null);
        (await store.Rooms.GetEventAsync(message.EventId)).ShouldNotBeNull();
        (await store.InSnapshotAsync(() => store.Rooms.GetEventAsync(message.EventId), CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Work_that_fails_inside_a_snapshot_gives_its_connection_back()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await SqliteStore.OpenAsync(engine.Options with { ReadConnections = 1 });
        var room = new LinearRoom(store.Rooms, "!fails:test");
        var create = await room.SendAsync("m.room.create", "");

        await Should.ThrowAsync<InvalidOperationException>(() => store.InSnapshotAsync<int>(
            async () =>
            {
                await store.Rooms.GetEventAsync(create.EventId);
                throw new InvalidOperationException("the work failed");
            },
            CancellationToken.None));

        (await store.InSnapshotAsync(() => store.Rooms.GetEventAsync(create.EventId), CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Reads_of_work_started_inside_a_snapshot_that_outlive_it_use_their_own_transaction()
    {
        await using var engine = new SqliteStoreEngine();
        await using var store = await engine.OpenSqliteAsync();
        var room = new LinearRoom(store.Rooms, "!outlive:test");
        var create = await room.SendAsync("m.room.create", "");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<Storage.Rooms.StoredEvent?>? straggler = null;
        await store.InSnapshotAsync(
            async () =>
            {
                await store.Rooms.GetEventAsync(create.EventId);
                straggler = Task.Run(async () =>
                {
                    await release.Task;
                    return await store.Rooms.GetEventAsync(create.EventId);
                });
                return true;
            },
            CancellationToken.None);

        var message = await room.SendAsync("m.room.message", null);
        release.SetResult();
        (await straggler!.WaitAsync(TimeSpan.FromSeconds(30))).ShouldNotBeNull();
        (await store.Rooms.GetEventAsync(message.EventId)).ShouldNotBeNull();
    }
}
