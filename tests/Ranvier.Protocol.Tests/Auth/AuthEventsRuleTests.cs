using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>Rule 2 (v1–v11) / rules 2–3 (v12): the event's own auth_events; and the auth-events selection.</summary>
public class AuthEventsRuleTests
{
    private sealed record Setup(TestRoom Room, Pdu Join, Pdu PowerLevels, Pdu JoinRules);

    private static Setup Room(RoomVersion version)
    {
        var room = TestRoom.Created(version);
        var join = room.Member(TestRoom.Alice, TestRoom.Alice, "join");
        var pl = room.StateEvent(EventTypes.PowerLevels, TestRoom.Alice, "", room.Levels());
        var rules = room.StateEvent(EventTypes.JoinRules, TestRoom.Alice, "", new JsonObject { ["join_rule"] = "public" });
        room.Set(join).Set(pl).Set(rules);
        return new Setup(room, join, pl, rules);
    }

    private static Pdu MessageCiting(TestRoom room, params Pdu[] authEvents) =>
        room.Build("m.room.message", TestRoom.Alice, null, new JsonObject { ["body"] = "x" }, authEvents: [.. authEvents.Select(e => e.EventId)]);

    private static Pdu[] CreateUnlessV12(TestRoom room) => room.Version.RoomIdFromCreateEvent ? [] : [room.Create];

    [Theory]
    [InlineData("1")]
    [InlineData("9")]
    [InlineData("12")]
    public void Auth_events_from_the_selection_are_accepted(string id)
    {
        var (room, join, pl, _) = Room(RoomVersions.Find(id)!);
        Pdu[] authEvents = [.. CreateUnlessV12(room), join, pl];

        EventAuth.CheckAuthEvents(room.Version, MessageCiting(room, authEvents), authEvents, roomCreateEvent: room.Create)
            .ShouldBeAllowed();
    }

    [Theory]
    [InlineData("1", "2.1")]
    [InlineData("12", "3.1")]
    public void Two_auth_events_for_one_state_key_are_rejected(string id, string rule)
    {
        var (room, join, pl, _) = Room(RoomVersions.Find(id)!);
        var secondJoin = room.Member(TestRoom.Alice, TestRoom.Alice, "join");
        Pdu[] authEvents = [.. CreateUnlessV12(room), join, secondJoin, pl];

        EventAuth.CheckAuthEvents(room.Version, MessageCiting(room, authEvents), authEvents, roomCreateEvent: room.Create)
            .ShouldBeRejectedBy(rule);
    }

    [Fact]
    public void The_same_auth_event_listed_twice_is_rejected()
    {
        var (room, join, pl, _) = Room(RoomVersions.V9);
        var ev = MessageCiting(room, room.Create, join, join, pl);

        EventAuth.CheckAuthEvents(room.Version, ev, [room.Create, join, pl]).ShouldBeRejectedBy("2.1");
    }

    [Theory]
    [InlineData("9", "2.2")]
    [InlineData("12", "3.2")]
    public void An_auth_event_outside_the_selection_is_rejected(string id, string rule)
    {
        // Join rules are not among a message's auth events.
        var (room, join, pl, joinRules) = Room(RoomVersions.Find(id)!);
        Pdu[] authEvents = [.. CreateUnlessV12(room), join, pl, joinRules];

        EventAuth.CheckAuthEvents(room.Version, MessageCiting(room, authEvents), authEvents, roomCreateEvent: room.Create)
            .ShouldBeRejectedBy(rule);
    }

    [Fact]
    public void V12_events_may_not_cite_the_create_event()
    {
        var (room, join, pl, _) = Room(RoomVersions.V12);
        Pdu[] authEvents = [room.Create, join, pl];

        EventAuth.CheckAuthEvents(room.Version, MessageCiting(room, authEvents), authEvents, roomCreateEvent: room.Create)
            .ShouldBeRejectedBy("3.2");
    }

    [Theory]
    [InlineData("9", "2.3")]
    [InlineData("12", "3.3")]
    public void A_rejected_auth_event_rejects_the_event(string id, string rule)
    {
        var (room, join, pl, _) = Room(RoomVersions.Find(id)!);
        Pdu[] authEvents = [.. CreateUnlessV12(room), join, pl];

        EventAuth.CheckAuthEvents(room.Version, MessageCiting(room, authEvents), authEvents, e => e == pl, room.Create)
            .ShouldBeRejectedBy(rule);
    }

    [Fact]
    public void Auth_events_without_a_create_event_are_rejected_before_v12()
    {
        var (room, join, pl, _) = Room(RoomVersions.V11);

        EventAuth.CheckAuthEvents(room.Version, MessageCiting(room, join, pl), [join, pl]).ShouldBeRejectedBy("2.4");
    }

    [Theory]
    [InlineData("6", "2.5")]
    [InlineData("12", "3.5")]
    public void An_auth_event_from_another_room_is_rejected(string id, string rule)
    {
        var (room, _, pl, _) = Room(RoomVersions.Find(id)!);
        var foreignJoin = Pdu.Parse(ReplaceRoom(room.Member(TestRoom.Alice, TestRoom.Alice, "join").Json), room.Version, "$foreign");
        Pdu[] authEvents = [.. CreateUnlessV12(room), foreignJoin, pl];

        EventAuth.CheckAuthEvents(room.Version, MessageCiting(room, authEvents), authEvents, roomCreateEvent: room.Create)
            .ShouldBeRejectedBy(rule);
    }

    [Fact]
    public void V12_room_id_must_name_an_accepted_create_event()
    {
        var (room, join, pl, _) = Room(RoomVersions.V12);
        var ev = MessageCiting(room, join, pl);
        var otherRoom = TestRoom.Created(RoomVersions.V12, TestRoom.Bob);

        EventAuth.CheckAuthEvents(room.Version, ev, [join, pl], roomCreateEvent: null).ShouldBeRejectedBy("2");
        EventAuth.CheckAuthEvents(room.Version, ev, [join, pl], roomCreateEvent: otherRoom.Create).ShouldBeRejectedBy("2");
        EventAuth.CheckAuthEvents(room.Version, ev, [join, pl], e => e == room.Create, room.Create).ShouldBeRejectedBy("2");
        EventAuth.CheckAuthEvents(room.Version, ev, [join, pl], roomCreateEvent: room.Create).ShouldBeAllowed();
    }

    [Fact]
    public void Check_with_auth_events_adds_the_v12_create_event_to_the_state()
    {
        var (room, join, pl, _) = Room(RoomVersions.V12);
        var ev = MessageCiting(room, join, pl);

        EventAuth.CheckWithAuthEvents(room.Version, ev, [join, pl], roomCreateEvent: room.Create).ShouldBeAllowedBy("11");
    }

    [Fact]
    public void Check_with_auth_events_applies_the_state_rules_to_the_auth_events()
    {
        var (room, join, pl, _) = Room(RoomVersions.V9);
        var bobMessage = room.Build("m.room.message", TestRoom.Bob, null, new JsonObject(), authEvents: [room.Create.EventId, pl.EventId]);

        EventAuth.CheckWithAuthEvents(room.Version, bobMessage, [room.Create, pl]).ShouldBeRejectedBy("5");
        EventAuth.CheckWithAuthEvents(room.Version, MessageCiting(room, room.Create, join, pl), [room.Create, join, pl]).ShouldBeAllowed();
    }

    [Fact]
    public void Selection_for_a_message_is_create_power_levels_and_the_sender()
    {
        AuthEventSelection.Select(RoomVersions.V11, "m.room.message", TestRoom.Bob, null, [])
            .ShouldBe([(EventTypes.Create, ""), (EventTypes.PowerLevels, ""), (EventTypes.Member, TestRoom.Bob)]);
        AuthEventSelection.Select(RoomVersions.V12, "m.room.message", TestRoom.Bob, null, [])
            .ShouldBe([(EventTypes.PowerLevels, ""), (EventTypes.Member, TestRoom.Bob)]);
        AuthEventSelection.Select(RoomVersions.V12, EventTypes.Create, TestRoom.Bob, "", []).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("join", true)]
    [InlineData("invite", true)]
    [InlineData("knock", true)]
    [InlineData("leave", false)]
    [InlineData("ban", false)]
    public void Selection_for_a_membership_adds_the_target_and_join_rules_for_join_invite_knock(string membership, bool joinRules)
    {
        var pairs = AuthEventSelection.Select(RoomVersions.V10, EventTypes.Member, TestRoom.Alice, TestRoom.Bob, new JsonObject { ["membership"] = membership });

        pairs.ShouldContain((EventTypes.Member, TestRoom.Bob));
        pairs.Contains((EventTypes.JoinRules, "")).ShouldBe(joinRules);
    }

    [Fact]
    public void Selection_for_a_third_party_invite_adds_the_invite_named_by_the_token()
    {
        var content = JsonNode.Parse("""{"membership":"invite","third_party_invite":{"signed":{"mxid":"@bob:example.com","token":"tok"}}}""")!.AsObject();

        AuthEventSelection.Select(RoomVersions.V1, EventTypes.Member, TestRoom.Alice, TestRoom.Bob, content)
            .ShouldContain((EventTypes.ThirdPartyInvite, "tok"));
    }

    [Fact]
    public void Selection_adds_the_authorising_member_of_a_restricted_join_from_v8_only()
    {
        var content = new JsonObject { ["membership"] = "join", ["join_authorised_via_users_server"] = TestRoom.Carol };

        AuthEventSelection.Select(RoomVersions.V8, EventTypes.Member, TestRoom.Bob, TestRoom.Bob, content)
            .ShouldContain((EventTypes.Member, TestRoom.Carol));
        AuthEventSelection.Select(RoomVersions.V7, EventTypes.Member, TestRoom.Bob, TestRoom.Bob, content)
            .ShouldNotContain((EventTypes.Member, TestRoom.Carol));
    }

    [Fact]
    public void Selection_lists_a_self_membership_once()
    {
        var pairs = AuthEventSelection.Select(RoomVersions.V10, EventTypes.Member, TestRoom.Bob, TestRoom.Bob, new JsonObject { ["membership"] = "join" });

        pairs.Count(p => p == (EventTypes.Member, TestRoom.Bob)).ShouldBe(1);
    }

    private static JsonObject ReplaceRoom(JsonObject json)
    {
        var copy = json.DeepClone().AsObject();
        copy["room_id"] = "!other:example.com";
        copy["event_id"] = "$foreign:example.com";
        return copy;
    }
}
