using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using static Ranvier.Protocol.Tests.Auth.TestRoom;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>The m.room.member rules for invite, leave, ban, knock and unknown memberships.</summary>
public class MembershipChangeRuleTests
{
    private static RoomVersion V(string id) => RoomVersions.Find(id)!;

    private static JsonObject Levels(RoomVersion version, params (string User, int Level)[] users) => Created(version).Levels(users);

    [Theory]
    [InlineData("1", "5.1")]
    [InlineData("6", "4.1")]
    [InlineData("12", "5.1")]
    public void A_member_event_without_membership_is_rejected(string id, string rule)
    {
        var room = WithMembers(V(id), "public");

        room.Check(room.StateEvent(EventTypes.Member, Bob, Bob, new JsonObject { ["membership"] = 1 })).ShouldBeRejectedBy(rule);
    }

    [Theory]
    [InlineData("1", "5.3.4")]
    [InlineData("6", "4.3.4")]
    [InlineData("8", "4.4.4")]
    [InlineData("12", "5.4.4")]
    public void A_joined_member_at_the_invite_level_may_invite(string id, string rule)
    {
        var room = WithMembers(V(id), "invite", joined: Bob);

        room.Check(room.Member(Carol, Bob, "invite")).ShouldBeAllowedBy(rule);
    }

    [Theory]
    [InlineData("1", "5.3.2")]
    [InlineData("8", "4.4.2")]
    public void A_user_who_is_not_joined_cannot_invite(string id, string rule)
    {
        var room = WithMembers(V(id), "invite");
        room.Set(room.Member(Bob, Alice, "invite"));

        room.Check(room.Member(Carol, Bob, "invite")).ShouldBeRejectedBy(rule);
    }

    [Theory]
    [InlineData("join")]
    [InlineData("ban")]
    public void Inviting_a_joined_or_banned_user_is_rejected(string membership)
    {
        var room = WithMembers(RoomVersions.V10, "invite");
        room.Set(room.Member(Bob, membership == "join" ? Bob : Alice, membership));

        room.Check(room.Member(Bob, Alice, "invite")).ShouldBeRejectedBy("4.4.3");
    }

    [Fact]
    public void Inviting_below_the_invite_level_is_rejected()
    {
        var levels = Levels(RoomVersions.V10);
        levels["invite"] = 50;
        var room = WithMembers(RoomVersions.V10, "invite", levels, Bob);

        room.Check(room.Member(Carol, Bob, "invite")).ShouldBeRejectedBy("4.4.5");
        room.Check(room.Member(Carol, Alice, "invite")).ShouldBeAllowedBy("4.4.4");
    }

    [Theory]
    [InlineData("1", "5.4.1")]
    [InlineData("8", "4.5.1")]
    [InlineData("12", "5.5.1")]
    public void A_member_may_leave_and_an_invitee_may_decline(string id, string rule)
    {
        var room = WithMembers(V(id), "invite", joined: Bob);
        room.Set(room.Member(Carol, Alice, "invite"));

        room.Check(room.Member(Bob, Bob, "leave")).ShouldBeAllowedBy(rule);
        room.Check(room.Member(Carol, Carol, "leave")).ShouldBeAllowedBy(rule);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("leave")]
    [InlineData("ban")]
    public void Leaving_without_being_joined_invited_or_knocking_is_rejected(string? membership)
    {
        var room = WithMembers(RoomVersions.V10, "invite");
        if (membership is not null)
        {
            room.Set(room.Member(Bob, membership == "ban" ? Alice : Bob, membership));
        }

        room.Check(room.Member(Bob, Bob, "leave")).ShouldBeRejectedBy("4.5.1");
    }

    [Fact]
    public void Withdrawing_a_knock_is_a_leave_from_v7_only()
    {
        var v6 = WithMembers(RoomVersions.V6, "knock");
        v6.Set(v6.Member(Bob, Bob, "knock"));
        v6.Check(v6.Member(Bob, Bob, "leave")).ShouldBeRejectedBy("4.4.1");

        var v7 = WithMembers(RoomVersions.V7, "knock");
        v7.Set(v7.Member(Bob, Bob, "knock"));
        v7.Check(v7.Member(Bob, Bob, "leave")).ShouldBeAllowedBy("4.4.1");
    }

    [Theory]
    [InlineData("1", "5.4.4")]
    [InlineData("8", "4.5.4")]
    [InlineData("12", "5.5.4")]
    public void A_member_at_the_kick_level_above_the_target_may_kick(string id, string rule)
    {
        var room = WithMembers(V(id), "invite", Levels(V(id)), Bob);

        room.Check(room.Member(Bob, Alice, "leave")).ShouldBeAllowedBy(rule);
    }

    [Fact]
    public void Kicking_needs_to_be_joined()
    {
        var room = WithMembers(RoomVersions.V10, "invite", Levels(RoomVersions.V10, (Carol, 100)), Bob);

        room.Check(room.Member(Bob, Carol, "leave")).ShouldBeRejectedBy("4.5.2");
    }

    [Theory]
    [InlineData(50, 50, "4.5.5")] // equal levels
    [InlineData(40, 0, "4.5.5")] // below the kick level
    [InlineData(50, 49, "4.5.4")]
    public void Kicking_needs_the_kick_level_and_a_higher_level_than_the_target(int bobLevel, int carolLevel, string rule)
    {
        var room = WithMembers(RoomVersions.V10, "invite", Levels(RoomVersions.V10, (Bob, bobLevel), (Carol, carolLevel)), Bob, Carol);

        var result = room.Check(room.Member(Carol, Bob, "leave"));

        result.Rule.ShouldBe(rule, result.ToString());
        result.Allowed.ShouldBe(rule == "4.5.4");
    }

    [Fact]
    public void Unbanning_needs_the_ban_level_as_well_as_the_kick_level()
    {
        var levels = Levels(RoomVersions.V10, (Bob, 60));
        levels["ban"] = 70;
        var room = WithMembers(RoomVersions.V10, "invite", levels, Bob);
        room.Set(room.Member(Carol, Alice, "ban"));

        room.Check(room.Member(Carol, Bob, "leave")).ShouldBeRejectedBy("4.5.3");
        room.Check(room.Member(Carol, Alice, "leave")).ShouldBeAllowedBy("4.5.4");
    }

    [Fact]
    public void V12_creators_cannot_kick_each_other_but_can_kick_anyone_else()
    {
        var room = Created(RoomVersions.V12, createContent: new JsonObject { ["additional_creators"] = new JsonArray(Bob) });
        room.Set(room.Member(Alice, Alice, "join")).Set(room.Member(Bob, Bob, "join")).Set(room.Member(Carol, Carol, "join"));
        room.Set(room.StateEvent(EventTypes.PowerLevels, Alice, "", new JsonObject { ["users"] = new JsonObject { [Carol] = 100 } }));

        room.Check(room.Member(Bob, Alice, "leave")).ShouldBeRejectedBy("5.5.5");
        room.Check(room.Member(Carol, Bob, "ban")).ShouldBeAllowedBy("5.6.2");
        room.Check(room.Member(Alice, Carol, "ban")).ShouldBeRejectedBy("5.6.3");
    }

    [Theory]
    [InlineData("1", "5.5.2")]
    [InlineData("8", "4.6.2")]
    [InlineData("12", "5.6.2")]
    public void A_member_at_the_ban_level_above_the_target_may_ban_even_a_non_member(string id, string rule)
    {
        var room = WithMembers(V(id), "invite", Levels(V(id)), Bob);

        room.Check(room.Member(Bob, Alice, "ban")).ShouldBeAllowedBy(rule);
        room.Check(room.Member(Remote, Alice, "ban")).ShouldBeAllowedBy(rule);
    }

    [Fact]
    public void Banning_needs_to_be_joined_and_to_outrank_the_target()
    {
        var room = WithMembers(RoomVersions.V9, "invite", Levels(RoomVersions.V9, (Bob, 50), (Carol, 50), (Remote, 100)), Bob, Carol);

        room.Check(room.Member(Bob, Remote, "ban")).ShouldBeRejectedBy("4.6.1");
        room.Check(room.Member(Carol, Bob, "ban")).ShouldBeRejectedBy("4.6.3");
        room.Check(room.Member(Alice, Bob, "ban")).ShouldBeRejectedBy("4.6.3");
    }

    [Theory]
    [InlineData("7", "4.6.3")]
    [InlineData("8", "4.7.3")]
    [InlineData("12", "5.7.3")]
    public void A_user_may_knock_on_a_knock_room(string id, string rule)
    {
        var room = WithMembers(V(id), "knock");

        room.Check(room.Member(Bob, Bob, "knock")).ShouldBeAllowedBy(rule);
    }

    [Theory]
    [InlineData("1", "5.6")]
    [InlineData("6", "4.6")]
    public void Knock_is_an_unknown_membership_before_v7(string id, string rule)
    {
        var room = WithMembers(V(id), "knock");

        room.Check(room.Member(Bob, Bob, "knock")).ShouldBeRejectedBy(rule);
    }

    [Fact]
    public void Knocking_needs_a_knock_join_rule_and_is_only_for_oneself()
    {
        var invite = WithMembers(RoomVersions.V7, "invite");
        invite.Check(invite.Member(Bob, Bob, "knock")).ShouldBeRejectedBy("4.6.1");

        var knock = WithMembers(RoomVersions.V7, "knock");
        knock.Check(knock.Member(Bob, Alice, "knock")).ShouldBeRejectedBy("4.6.2");
    }

    [Theory]
    [InlineData("invite")]
    [InlineData("join")]
    [InlineData("ban")]
    public void Invited_joined_or_banned_users_cannot_knock(string membership)
    {
        var room = WithMembers(RoomVersions.V8, "knock");
        room.Set(room.Member(Bob, membership == "join" ? Bob : Alice, membership));

        room.Check(room.Member(Bob, Bob, "knock")).ShouldBeRejectedBy("4.7.4");
    }

    [Fact]
    public void Knock_restricted_allows_knocking_from_v10_only()
    {
        var v9 = WithMembers(RoomVersions.V9, "knock_restricted");
        v9.Check(v9.Member(Bob, Bob, "knock")).ShouldBeRejectedBy("4.7.1");

        var v10 = WithMembers(RoomVersions.V10, "knock_restricted");
        v10.Check(v10.Member(Bob, Bob, "knock")).ShouldBeAllowedBy("4.7.3");
    }

    [Theory]
    [InlineData("1", "5.6")]
    [InlineData("7", "4.7")]
    [InlineData("8", "4.8")]
    [InlineData("12", "5.8")]
    public void An_unknown_membership_is_rejected(string id, string rule)
    {
        var room = WithMembers(V(id), "public");

        room.Check(room.Member(Bob, Bob, "wave")).ShouldBeRejectedBy(rule);
    }
}
