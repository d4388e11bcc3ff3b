using Ranvier.Storage.Testing;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Rooms;

public sealed class RoomMembershipStoreTests : StoreTestBase
{
    private const string RoomId = "!room:test";
    private const string Alice = "@alice:test";

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task A_forgotten_room_stays_forgotten_until_the_member_event_changes(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        await room.SendAsync("m.room.create", "");
        var (leave, _) = await room.SendAsync("m.room.member", Alice);

        (await store.RoomMemberships.IsRoomForgottenAsync(Alice, RoomId)).ShouldBeFalse();
        (await store.RoomMemberships.ForgetRoomAsync(Alice, RoomId, leave)).ShouldBeTrue();
        (await store.RoomMemberships.IsRoomForgottenAsync(Alice, RoomId)).ShouldBeTrue();
        (await store.RoomMemberships.GetForgottenRoomsAsync(Alice)).ShouldBe([RoomId]);
        (await store.RoomMemberships.IsRoomForgottenAsync("@bob:test", RoomId)).ShouldBeFalse();

        await room.SendAsync("m.room.member", Alice);

        (await store.RoomMemberships.IsRoomForgottenAsync(Alice, RoomId)).ShouldBeFalse("a new member event (a rejoin) undoes the forget");
        (await store.RoomMemberships.GetForgottenRoomsAsync(Alice)).ShouldBeEmpty();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Forgetting_again_replaces_the_earlier_forget_and_unknown_events_are_refused(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        await room.SendAsync("m.room.create", "");
        var (first, _) = await room.SendAsync("m.room.member", Alice);
        await store.RoomMemberships.ForgetRoomAsync(Alice, RoomId, first);
        var (second, _) = await room.SendAsync("m.room.member", Alice);

        (await store.RoomMemberships.ForgetRoomAsync(Alice, RoomId, second)).ShouldBeTrue();
        (await store.RoomMemberships.IsRoomForgottenAsync(Alice, RoomId)).ShouldBeTrue();
        (await store.RoomMemberships.ForgetRoomAsync(Alice, RoomId, "$unknown")).ShouldBeFalse();
        (await store.RoomMemberships.ForgetRoomAsync(Alice, "!other:test", second)).ShouldBeFalse();
    });

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task The_event_at_a_stream_position_is_the_rooms_last_one_at_or_before_it(string engine) => WithStoreAsync(engine, async store =>
    {
        var room = new LinearRoom(store.Rooms, RoomId);
        var other = new LinearRoom(store.Rooms, "!other:test");
        var (create, p1) = await room.SendAsync("m.room.create", "");
        await other.SendAsync("m.room.create", "");
        var (member, p3) = await room.SendAsync("m.room.member", Alice);

        (await store.RoomMemberships.GetLastEventIdAtStreamPositionAsync(RoomId, 0)).ShouldBeNull();
        (await store.RoomMemberships.GetLastEventIdAtStreamPositionAsync(RoomId, p1.StreamPosition!.Value)).ShouldBe(create);
        (await store.RoomMemberships.GetLastEventIdAtStreamPositionAsync(RoomId, p1.StreamPosition.Value + 1)).ShouldBe(create);
        (await store.RoomMemberships.GetLastEventIdAtStreamPositionAsync(RoomId, p3.StreamPosition!.Value + 10)).ShouldBe(member);
        (await store.RoomMemberships.GetLastEventIdAtStreamPositionAsync("!unknown:test", 100)).ShouldBeNull();
    });
}
