using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Tests.Services.Rooms;

public sealed class RoomLocksTests
{
    [Fact]
    public async Task A_second_writer_waits_until_the_first_releases_and_other_rooms_do_not_wait()
    {
        var locks = new RoomLocks();
        var first = await locks.AcquireAsync("!a:x", CancellationToken.None);

        var second = locks.AcquireAsync("!a:x", CancellationToken.None);
        var otherRoom = await locks.AcquireAsync("!b:x", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        second.IsCompleted.ShouldBeFalse();

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        otherRoom.Dispose();
        locks.ActiveCount.ShouldBe(0, "locks nobody holds are dropped");
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_up_without_taking_the_lock()
    {
        var locks = new RoomLocks();
        var held = await locks.AcquireAsync("!a:x", CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiter = locks.AcquireAsync("!a:x", cancel.Token);
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => waiter);
        held.Dispose();
        locks.ActiveCount.ShouldBe(0);
        (await locks.AcquireAsync("!a:x", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task Disposing_twice_releases_once()
    {
        var locks = new RoomLocks();
        var held = await locks.AcquireAsync("!a:x", CancellationToken.None);
        held.Dispose();
        held.Dispose();
        var again = await locks.AcquireAsync("!a:x", CancellationToken.None);
        var waiter = locks.AcquireAsync("!a:x", CancellationToken.None);
        waiter.IsCompleted.ShouldBeFalse("the double dispose must not have freed a second slot");
        again.Dispose();
        (await waiter.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }
}
