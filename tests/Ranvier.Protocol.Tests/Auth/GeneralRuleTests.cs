using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using static Ranvier.Protocol.Tests.Auth.TestRoom;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>m.federate, m.room.aliases (v1–v5), sender membership, required power level, user state keys, v1–v2 redactions.</summary>
public class GeneralRuleTests
{
    private static RoomVersion V(string id) => RoomVersions.Find(id)!;

    [Theory]
    [InlineData("1", "3")]
    [InlineData("6", "3")]
    [InlineData("12", "4")]
    public void An_unfederated_room_rejects_events_from_other_servers(string id, string rule)
    {
        var room = Created(V(id), createContent: new JsonObject { ["m.federate"] = false });
        room.Set(room.Member(Alice, Alice, "join")).Set(room.StateEvent(EventTypes.JoinRules, Alice, "", new JsonObject { ["join_rule"] = "public" }));

        room.Check(room.Member(Remote, Remote, "join")).ShouldBeRejectedBy(rule);
        room.Check(room.Member(Bob, Bob, "join")).ShouldBeAllowed();
    }

    [Fact]
    public void Only_m_federate_false_closes_the_room()
    {
        var room = Created(RoomVersions.V10, createContent: new JsonObject { ["m.federate"] = "false" });
        room.Set(room.Member(Alice, Alice, "join")).Set(room.StateEvent(EventTypes.JoinRules, Alice, "", new JsonObject { ["join_rule"] = "public" }));

        room.Check(room.Member(Remote, Remote, "join")).ShouldBeAllowed();
    }

    [Fact]
    public void Events_are_rejected_when_the_state_has_no_create_event()
    {
        var room = WithMembers(RoomVersions.V10, "public");
        var noCreate = new AuthState(new Dictionary<(string Type, string StateKey), Pdu>());

        EventAuth.Check(room.Version, room.Message(Alice), noCreate).ShouldBeRejectedBy("2.4");
        EventAuth.Check(RoomVersions.V12, Created(RoomVersions.V12).Message(Alice), noCreate).ShouldBeRejectedBy("2");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("5")]
    public void Before_v6_a_server_may_set_its_own_aliases_without_being_in_the_room(string id)
    {
        var room = WithMembers(V(id), "invite");

        room.Check(room.StateEvent(EventTypes.Aliases, Remote, "remote.test")).ShouldBeAllowedBy("4.3");
        room.Check(room.StateEvent(EventTypes.Aliases, Remote, "example.com")).ShouldBeRejectedBy("4.2");
        room.Check(room.StateEvent(EventTypes.Aliases, Alice, "")).ShouldBeRejectedBy("4.2");
    }

    [Fact]
    public void Before_v6_aliases_without_a_state_key_are_rejected()
    {
        var room = WithMembers(RoomVersions.V3, "invite");

        room.Check(room.Message(Alice, EventTypes.Aliases)).ShouldBeRejectedBy("4.1");
    }

    [Fact]
    public void From_v6_aliases_are_ordinary_state()
    {
        var room = WithMembers(RoomVersions.V6, "invite");

        room.Check(room.StateEvent(EventTypes.Aliases, Remote, "remote.test")).ShouldBeRejectedBy("5");
        room.Check(room.StateEvent(EventTypes.Aliases, Alice, "anything")).ShouldBeAllowedBy("10");
    }

    [Theory]
    [InlineData("1", "6")]
    [InlineData("6", "5")]
    [InlineData("12", "6")]
    public void A_sender_who_is_not_joined_cannot_send(string id, string rule)
    {
        var room = WithMembers(V(id), "invite");
        room.Set(room.Member(Bob, Alice, "invite"));

        room.Check(room.Message(Bob)).ShouldBeRejectedBy(rule);
        room.Check(room.Message(Carol)).ShouldBeRejectedBy(rule);
    }

    [Theory]
    [InlineData("1", "12")]
    [InlineData("3", "11")]
    [InlineData("6", "10")]
    [InlineData("12", "11")]
    public void A_joined_member_may_send_a_message(string id, string rule)
    {
        var room = WithMembers(V(id), "invite", joined: Bob);

        room.Check(room.Message(Bob)).ShouldBeAllowedBy(rule);
    }

    [Theory]
    [InlineData("1", "8")]
    [InlineData("6", "7")]
    [InlineData("12", "8")]
    public void Without_power_levels_only_the_creator_may_send_state(string id, string rule)
    {
        var room = WithMembers(V(id), "invite", joined: Bob);

        room.Check(room.StateEvent(EventTypes.Name, Alice, "", new JsonObject { ["name"] = "x" })).ShouldBeAllowed();
        room.Check(room.StateEvent(EventTypes.Name, Bob, "", new JsonObject { ["name"] = "x" })).ShouldBeRejectedBy(rule);
    }

    [Fact]
    public void V12_additional_creators_may_send_state_without_power_levels()
    {
        var room = Created(RoomVersions.V12, createContent: new JsonObject { ["additional_creators"] = new JsonArray(Bob) });
        room.Set(room.Member(Alice, Alice, "join")).Set(room.Member(Bob, Bob, "join"));

        room.Check(room.StateEvent(EventTypes.Name, Bob, "")).ShouldBeAllowedBy("11");
    }

    [Fact]
    public void State_and_event_levels_come_from_power_levels()
    {
        var levels = Created(RoomVersions.V1).Levels((Bob, 29), (Carol, 30));
        levels["state_default"] = "30";
        levels["events"] = new JsonObject { ["m.room.message"] = 30, ["m.custom.state"] = 0 };
        var room = WithMembers(RoomVersions.V1, "invite", levels, Bob, Carol);

        room.Check(room.StateEvent(EventTypes.Topic, Bob, "")).ShouldBeRejectedBy("8");
        room.Check(room.StateEvent(EventTypes.Topic, Carol, "")).ShouldBeAllowed();
        room.Check(room.Message(Bob)).ShouldBeRejectedBy("8");
        room.Check(room.Message(Bob, "m.reaction")).ShouldBeAllowed();
        room.Check(room.StateEvent("m.custom.state", Bob, "")).ShouldBeAllowed();
    }

    [Theory]
    [InlineData("1", "9")]
    [InlineData("6", "8")]
    [InlineData("12", "9")]
    public void A_state_key_that_is_a_user_id_must_be_the_senders(string id, string rule)
    {
        var room = WithMembers(V(id), "invite", Created(V(id)).Levels());

        room.Check(room.StateEvent("m.custom", Alice, Bob)).ShouldBeRejectedBy(rule);
        room.Check(room.StateEvent("m.custom", Alice, Alice)).ShouldBeAllowed();
        room.Check(room.StateEvent("m.custom", Alice, "not@user")).ShouldBeAllowed();
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void V1_redactions_need_the_redact_level_or_the_same_server(string id)
    {
        var room = WithMembers(V(id), "invite", Created(V(id)).Levels(), Bob, Remote);

        room.Check(Redaction(room, Bob, "$target:remote.test")).ShouldBeRejectedBy("11.3");
        room.Check(Redaction(room, Bob, "$target:example.com")).ShouldBeAllowedBy("11.2");
        room.Check(Redaction(room, Alice, "$target:remote.test")).ShouldBeAllowedBy("11.1");
    }

    [Fact]
    public void V1_redaction_domain_comes_from_the_event_ids_not_the_senders()
    {
        var room = WithMembers(RoomVersions.V1, "invite", joined: Bob);
        var redaction = room.Build(EventTypes.Redaction, Bob, null, [], idDomain: "remote.test",
            extraTopLevel: new JsonObject { ["redacts"] = "$target:remote.test" });

        room.Check(redaction).ShouldBeAllowedBy("11.2");
    }

    [Fact]
    public void From_v3_redactions_only_need_their_send_level()
    {
        var levels = Created(RoomVersions.V3).Levels();
        var room = WithMembers(RoomVersions.V3, "invite", levels, Bob);
        room.Check(Redaction(room, Bob, "$anything")).ShouldBeAllowedBy("11");

        levels = Created(RoomVersions.V11).Levels();
        levels["events"] = new JsonObject { [EventTypes.Redaction] = 50 };
        room = WithMembers(RoomVersions.V11, "invite", levels, Bob);
        room.Check(Redaction(room, Bob, "$anything")).ShouldBeRejectedBy("7");
    }

    private static Pdu Redaction(TestRoom room, string sender, string redacts) =>
        room.Version.Redaction == RedactionRules.V11
            ? room.Build(EventTypes.Redaction, sender, null, new JsonObject { ["redacts"] = redacts })
            : room.Build(EventTypes.Redaction, sender, null, [], extraTopLevel: new JsonObject { ["redacts"] = redacts });
}
