using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Tests.Services.Sync;

/// <summary>The change index may only save work: unknown positions always answer "maybe".</summary>
public sealed class SyncChangeIndexTests
{
    private const string Alice = "@alice:x";
    private static readonly HashSet<string> AlicesRooms = ["!a:x"];

    private readonly StreamNotifier notifier = new();
    private readonly SyncChangeIndex index;

    public SyncChangeIndexTests()
    {
        notifier.Advance(10);
        index = new SyncChangeIndex(notifier);
    }

    [Fact]
    public void Writes_for_other_users_and_rooms_do_not_concern_the_user()
    {
        index.RoomEvent(11, "!b:x", null);
        index.AccountData(12, "@bob:x");
        index.Receipt(13, "!b:x");
        index.ToDevice(14, ["@bob:x", "@carol:x"]);
        index.RoomEvent(15, "!b:x", "@bob:x");

        index.Describe(Alice, AlicesRooms, 10, 15).ShouldBe(SyncChanges.None);
    }

    [Fact]
    public void Events_of_the_users_rooms_their_membership_and_account_data_change_their_rooms()
    {
        index.RoomEvent(11, "!a:x", null);
        index.RoomEvent(12, "!b:x", Alice);
        index.AccountData(13, Alice);
        index.RoomEvent(14, "!a:x", "@bob:x");

        index.Describe(Alice, AlicesRooms, 10, 11).ShouldBe(SyncChanges.Rooms);
        index.Describe(Alice, AlicesRooms, 11, 12).ShouldBe(SyncChanges.Rooms | SyncChanges.Members);
        index.Describe(Alice, AlicesRooms, 12, 13).ShouldBe(SyncChanges.Rooms | SyncChanges.AccountData);
        index.Describe(Alice, AlicesRooms, 13, 14).ShouldBe(SyncChanges.Rooms | SyncChanges.Members);
    }

    [Fact]
    public void Receipts_to_device_messages_and_presence_are_told_apart()
    {
        index.Receipt(11, "!a:x");
        index.ToDevice(12, ["@bob:x", Alice]);
        index.Presence(13, "@bob:x");

        index.Describe(Alice, AlicesRooms, 10, 11).ShouldBe(SyncChanges.Receipts);
        index.Describe(Alice, AlicesRooms, 11, 12).ShouldBe(SyncChanges.ToDevice);
        index.Describe(Alice, AlicesRooms, 12, 13).ShouldBe(SyncChanges.Presence, "who shares a room with Alice is not known here");
        index.Describe(Alice, AlicesRooms, 10, 13).ShouldBe(SyncChanges.Receipts | SyncChanges.ToDevice | SyncChanges.Presence);
    }

    [Fact]
    public void A_users_memberships_are_unchanged_only_when_every_position_is_known_and_none_is_their_member_event()
    {
        index.RoomEvent(11, "!a:x", "@bob:x");
        index.RoomEvent(12, "!a:x", null);
        index.RoomEvent(13, "!b:x", Alice);

        index.MembershipUnchanged(Alice, 10, 12).ShouldBeTrue("others' joins and messages do not change hers");
        index.MembershipUnchanged(Alice, 12, 12).ShouldBeTrue();
        index.MembershipUnchanged(Alice, 12, 13).ShouldBeFalse();
        index.MembershipUnchanged(Alice, 10, 14).ShouldBeFalse("14 is not known");
        index.MembershipUnchanged("@bob:x", 11, 13).ShouldBeTrue();
    }

    [Fact]
    public void The_rooms_with_events_of_a_window_are_known_only_when_every_position_is()
    {
        index.RoomEvent(11, "!a:x", null);
        index.Receipt(12, "!b:x");
        index.RoomEvent(13, "!b:x", Alice);
        index.RoomEvent(15, "!c:x", null);

        index.RoomsWithEvents(10, 13).ShouldBe(["!a:x", "!b:x"], ignoreOrder: true);
        index.RoomsWithEvents(11, 12).ShouldBeEmpty("a receipt is not a room event");
        index.RoomsWithEvents(13, 13).ShouldBeEmpty();
        index.RoomsWithEvents(12, 15).ShouldBeNull("position 14 was never recorded");
        index.RoomsWithEvents(5, 11).ShouldBeNull("positions before the index started are not known");
    }

    [Fact]
    public void Without_the_joined_rooms_every_room_counts_as_joined()
    {
        index.RoomEvent(11, "!b:x", null);
        index.Receipt(12, "!b:x");

        index.Describe(Alice, null, 10, 12).ShouldBe(SyncChanges.Rooms | SyncChanges.Receipts);
    }

    [Fact]
    public void A_position_not_recorded_or_from_before_the_process_is_unknown()
    {
        index.RoomEvent(12, "!b:x", null);

        index.Describe(Alice, AlicesRooms, 10, 12).ShouldBe(SyncChanges.Unknown, "position 11 is unknown");
        index.Describe(Alice, AlicesRooms, 5, 10).ShouldBe(SyncChanges.Unknown, "positions before the index started are unknown");
        index.Describe(Alice, AlicesRooms, 11, 12).ShouldBe(SyncChanges.None);
        index.Describe(Alice, AlicesRooms, 12, 12).ShouldBe(SyncChanges.None, "an empty stretch changes nothing");
    }

    [Fact]
    public void Evicted_positions_are_unknown()
    {
        for (var position = 11L; position <= 11 + SyncChangeIndex.Capacity; position++)
        {
            index.Receipt(position, "!b:x");
        }

        index.Describe(Alice, AlicesRooms, 10, 12).ShouldBe(SyncChanges.Unknown);
        index.Describe(Alice, AlicesRooms, 12 + SyncChangeIndex.Capacity - 2, 11 + SyncChangeIndex.Capacity).ShouldBe(SyncChanges.None);
    }

    [Theory]
    [InlineData(SyncChanges.None, SyncChanges.Receipts, false)]
    [InlineData(SyncChanges.Presence, SyncChanges.Receipts, false)]
    [InlineData(SyncChanges.Receipts, SyncChanges.Receipts, true)]
    [InlineData(SyncChanges.Unknown, SyncChanges.Receipts, true)]
    [InlineData(SyncChanges.Members, SyncChanges.Presence | SyncChanges.Members, true)]
    public void MayInclude_is_true_for_the_kinds_asked_and_for_unknown(SyncChanges changes, SyncChanges kinds, bool expected) =>
        changes.MayInclude(kinds).ShouldBe(expected);
}
