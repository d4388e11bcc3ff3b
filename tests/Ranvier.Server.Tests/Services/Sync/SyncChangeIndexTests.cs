using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Tests.Services.Sync;

/// <summary>The change index may only save work: unknown positions always answer "maybe".</summary>
public sealed class SyncChangeIndexTests
{
    private static readonly HashSet<string> AlicesRooms = ["!a:x"];

    private readonly StreamNotifier notifier = new();
    private readonly SyncChangeIndex index;

    public SyncChangeIndexTests()
    {
        notifier.Advance(10);
        index = new SyncChangeIndex(notifier);
    }

    [Fact]
    public void Events_of_other_rooms_do_not_concern_the_user()
    {
        index.RoomEvent(11, "!b:x", null);
        index.AccountData(12, "@bob:x");
        index.Other(13);

        index.MayConcern("@alice:x", AlicesRooms, 10, 13).ShouldBeFalse();
    }

    [Fact]
    public void Events_of_the_users_rooms_their_membership_and_account_data_concern_them()
    {
        index.RoomEvent(11, "!a:x", null);
        index.RoomEvent(12, "!b:x", "@alice:x");
        index.AccountData(13, "@alice:x");

        index.MayConcern("@alice:x", AlicesRooms, 10, 11).ShouldBeTrue();
        index.MayConcern("@alice:x", AlicesRooms, 11, 12).ShouldBeTrue();
        index.MayConcern("@alice:x", AlicesRooms, 12, 13).ShouldBeTrue();
    }

    [Fact]
    public void A_position_not_recorded_or_from_before_the_process_may_concern_anyone()
    {
        index.RoomEvent(12, "!b:x", null);

        index.MayConcern("@alice:x", AlicesRooms, 10, 12).ShouldBeTrue("position 11 is unknown");
        index.MayConcern("@alice:x", AlicesRooms, 5, 10).ShouldBeTrue("positions before the index started are unknown");
        index.MayConcern("@alice:x", AlicesRooms, 11, 12).ShouldBeFalse();
    }

    [Fact]
    public void Evicted_positions_may_concern_anyone()
    {
        for (var position = 11L; position <= 11 + SyncChangeIndex.Capacity; position++)
        {
            index.Other(position);
        }

        index.MayConcern("@alice:x", AlicesRooms, 10, 12).ShouldBeTrue();
        index.MayConcern("@alice:x", AlicesRooms, 12 + SyncChangeIndex.Capacity - 2, 11 + SyncChangeIndex.Capacity).ShouldBeFalse();
    }
}
