using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using static Ranvier.Protocol.Tests.Auth.TestRoom;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>The m.room.member rules for membership join (5.2 in v1–v5, 4.2 in v6–v7, 4.3 in v8–v11, 5.3 in v12).</summary>
public class JoinRuleTests
{
    private static RoomVersion V(string id) => RoomVersions.Find(id)!;

    [Theory]
    [InlineData("1", "5.2.1")]
    [InlineData("6", "4.2.1")]
    [InlineData("8", "4.3.1")]
    [InlineData("11", "4.3.1")]
    [InlineData("12", "5.3.1")]
    public void The_creators_first_join_after_the_create_event_is_allowed(string id, string rule)
    {
        var room = Created(V(id));

        room.Check(room.Member(Alice, Alice, "join")).ShouldBeAllowedBy(rule);
    }

    [Fact]
    public void Before_v11_the_first_join_belongs_to_content_creator()
    {
        var room = Created(RoomVersions.V10, createContent: new JsonObject { ["creator"] = Bob });

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeAllowedBy("4.3.1");
        room.Check(room.Member(Alice, Alice, "join")).ShouldBeRejectedBy("4.3.7");
    }

    [Fact]
    public void From_v11_the_first_join_belongs_to_the_create_sender_whatever_content_creator_says()
    {
        var room = Created(RoomVersions.V11, createContent: new JsonObject { ["creator"] = Bob });

        room.Check(room.Member(Alice, Alice, "join")).ShouldBeAllowedBy("4.3.1");
        room.Check(room.Member(Bob, Bob, "join")).ShouldBeRejectedBy("4.3.7");
    }

    [Fact]
    public void The_creator_join_rule_needs_the_create_event_as_the_only_prev_event()
    {
        var room = Created(RoomVersions.V9);

        room.Check(room.Member(Alice, Alice, "join", prevEvents: [room.Create.EventId, "$other"])).ShouldBeRejectedBy("4.3.7");
    }

    [Theory]
    [InlineData("1", "5.2.2")]
    [InlineData("8", "4.3.2")]
    [InlineData("12", "5.3.2")]
    public void Joining_someone_else_is_rejected(string id, string rule)
    {
        var room = WithMembers(V(id), "public");

        room.Check(room.Member(Bob, Alice, "join")).ShouldBeRejectedBy(rule);
    }

    [Theory]
    [InlineData("1", "5.2.3")]
    [InlineData("6", "4.2.3")]
    [InlineData("8", "4.3.3")]
    [InlineData("12", "5.3.3")]
    public void A_banned_user_cannot_join_a_public_room(string id, string rule)
    {
        var room = WithMembers(V(id), "public");
        room.Set(room.Member(Bob, Alice, "ban"));

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeRejectedBy(rule);
    }

    [Theory]
    [InlineData("1", "5.2.5")]
    [InlineData("6", "4.2.5")]
    [InlineData("8", "4.3.6")]
    [InlineData("12", "5.3.6")]
    public void Anyone_not_banned_can_join_a_public_room(string id, string rule)
    {
        var room = WithMembers(V(id), "public");
        room.Set(room.Member(Bob, Bob, "leave"));

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeAllowedBy(rule);
    }

    [Theory]
    [InlineData("1", "5.2.6")]
    [InlineData("7", "4.2.6")]
    [InlineData("8", "4.3.7")]
    [InlineData("12", "5.3.7")]
    public void An_invite_only_room_rejects_a_user_who_was_not_invited(string id, string rule)
    {
        var room = WithMembers(V(id), "invite");

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeRejectedBy(rule);
    }

    [Theory]
    [InlineData("1", "5.2.4")]
    [InlineData("8", "4.3.4")]
    [InlineData("12", "5.3.4")]
    public void An_invite_only_room_admits_an_invited_or_joined_user(string id, string rule)
    {
        var room = WithMembers(V(id), "invite", joined: Carol);
        room.Set(room.Member(Bob, Alice, "invite"));

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeAllowedBy(rule);
        room.Check(room.Member(Carol, Carol, "join")).ShouldBeAllowedBy(rule);
    }

    [Fact]
    public void A_room_without_join_rules_is_invite_only()
    {
        var room = Created(RoomVersions.V10);
        room.Set(room.Member(Alice, Alice, "join"));

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeRejectedBy("4.3.7");
    }

    [Fact]
    public void An_unknown_join_rule_admits_nobody()
    {
        var room = WithMembers(RoomVersions.V10, "private");

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeRejectedBy("4.3.7");
    }

    [Fact]
    public void The_knock_join_rule_admits_invited_users_from_v7_only()
    {
        var v6 = WithMembers(RoomVersions.V6, "knock");
        v6.Set(v6.Member(Bob, Alice, "invite"));
        v6.Check(v6.Member(Bob, Bob, "join")).ShouldBeRejectedBy("4.2.6");

        var v7 = WithMembers(RoomVersions.V7, "knock");
        v7.Set(v7.Member(Bob, Alice, "invite"));
        v7.Check(v7.Member(Bob, Bob, "join")).ShouldBeAllowedBy("4.2.4");
        v7.Check(v7.Member(Carol, Carol, "join")).ShouldBeRejectedBy("4.2.6");
    }

    [Fact]
    public void Restricted_is_an_unknown_join_rule_before_v8()
    {
        var room = WithMembers(RoomVersions.V7, "restricted", joined: Remote);

        room.Check(AuthorisedJoin(room, Bob, Remote)).ShouldBeRejectedBy("4.2.6");
    }

    [Theory]
    [InlineData("8", "4.3.5.3")]
    [InlineData("9", "4.3.5.3")]
    [InlineData("12", "5.3.5.3")]
    public void A_restricted_join_authorised_by_a_joined_member_who_may_invite_is_allowed(string id, string rule)
    {
        var room = WithMembers(V(id), "restricted", joined: Remote);

        room.Check(AuthorisedJoin(room, Bob, Remote)).ShouldBeAllowedBy(rule);
    }

    [Fact]
    public void A_restricted_join_without_an_authorising_user_is_rejected()
    {
        var room = WithMembers(RoomVersions.V9, "restricted");

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeRejectedBy("4.3.5.2");
    }

    [Fact]
    public void A_restricted_join_authorised_by_a_non_member_is_rejected()
    {
        var room = WithMembers(RoomVersions.V9, "restricted");

        room.Check(AuthorisedJoin(room, Bob, Remote)).ShouldBeRejectedBy("4.3.5.2");
    }

    [Fact]
    public void A_restricted_join_authorised_by_a_member_below_the_invite_level_is_rejected()
    {
        var room = Created(RoomVersions.V9);
        var levels = room.Levels();
        levels["invite"] = 50;
        room = WithMembers(RoomVersions.V9, "restricted", levels, Remote);

        room.Check(AuthorisedJoin(room, Bob, Remote)).ShouldBeRejectedBy("4.3.5.2");
        room.Check(AuthorisedJoin(room, Bob, Alice)).ShouldBeAllowedBy("4.3.5.3");
    }

    [Fact]
    public void An_invited_user_joins_a_restricted_room_without_an_authoriser()
    {
        var room = WithMembers(RoomVersions.V9, "restricted");
        room.Set(room.Member(Bob, Alice, "invite"));

        room.Check(room.Member(Bob, Bob, "join")).ShouldBeAllowedBy("4.3.5.1");
    }

    [Fact]
    public void A_join_naming_an_authoriser_whose_server_did_not_sign_is_rejected()
    {
        var room = WithMembers(RoomVersions.V9, "restricted", joined: Remote);
        var json = AuthorisedJoin(room, Bob, Remote).Json.DeepClone().AsObject();
        json["signatures"]!.AsObject().Remove("remote.test");

        room.Check(Pdu.Parse(json, room.Version, "$unsigned")).ShouldBeRejectedBy("4.2");
    }

    [Fact]
    public void An_authoriser_that_is_not_a_user_id_is_rejected_from_v8()
    {
        var room = WithMembers(RoomVersions.V8, "public");
        var join = room.Member(Bob, Bob, "join", new JsonObject { ["join_authorised_via_users_server"] = 5 });

        room.Check(join).ShouldBeRejectedBy("4.2");
    }

    [Fact]
    public void Knock_restricted_admits_authorised_joins_from_v10_only()
    {
        var v9 = WithMembers(RoomVersions.V9, "knock_restricted", joined: Remote);
        v9.Check(AuthorisedJoin(v9, Bob, Remote)).ShouldBeRejectedBy("4.3.7");

        var v10 = WithMembers(RoomVersions.V10, "knock_restricted", joined: Remote);
        v10.Check(AuthorisedJoin(v10, Bob, Remote)).ShouldBeAllowedBy("4.3.5.3");
        v10.Check(v10.Member(Bob, Bob, "join")).ShouldBeRejectedBy("4.3.5.2");
    }

    private static Pdu AuthorisedJoin(TestRoom room, string user, string authoriser) =>
        room.Member(user, user, "join", new JsonObject { ["join_authorised_via_users_server"] = authoriser });
}
