using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using static Ranvier.Protocol.Tests.Auth.TestRoom;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>The m.room.power_levels rules (10 in v1–v5, 9 in v6–v11, 10 in v12).</summary>
public class PowerLevelsRuleTests
{
    private static RoomVersion V(string id) => RoomVersions.Find(id)!;

    /// <summary>Alice 100, Bob 50, Carol 0 (all joined), plus <paramref name="extra"/> top-level keys.</summary>
    private static TestRoom Room(RoomVersion version, string extra = "{}")
    {
        var levels = Created(version).Levels((Bob, 50));
        foreach (var (key, value) in JsonNode.Parse(extra)!.AsObject())
        {
            levels[key] = value?.DeepClone();
        }

        return WithMembers(version, "invite", levels, Bob, Carol);
    }

    /// <summary>Content from JSON where ALICE, BOB and CAROL stand for the test users' IDs.</summary>
    private static Pdu Change(TestRoom room, string sender, string contentJson) =>
        Change(room, sender, JsonNode.Parse(contentJson.Replace("ALICE", Alice, StringComparison.Ordinal)
            .Replace("BOB", Bob, StringComparison.Ordinal).Replace("CAROL", Carol, StringComparison.Ordinal))!.AsObject());

    private static Pdu Change(TestRoom room, string sender, JsonObject content) =>
        room.StateEvent(EventTypes.PowerLevels, sender, "", content);

    /// <summary>The room's users map (Alice 100 unless a v12 creator, Bob 50, Carol if given) plus <paramref name="others"/>.</summary>
    private static JsonObject Content(TestRoom room, string others = "{}", int? carol = null)
    {
        var content = JsonNode.Parse(others)!.AsObject();
        var users = new JsonObject();
        if (!room.Version.PrivilegedCreators)
        {
            users[Alice] = 100;
        }

        users[Bob] = 50;
        if (carol is { } level)
        {
            users[Carol] = level;
        }

        content["users"] = users;
        return content;
    }

    [Theory]
    [InlineData("1", "10.2")]
    [InlineData("6", "9.2")]
    [InlineData("10", "9.4")]
    [InlineData("12", "10.5")]
    public void The_first_power_levels_event_is_allowed(string id, string rule)
    {
        var room = WithMembers(V(id), "invite");

        room.Check(Change(room, Alice, """{"users": {"@someone:example.com": 100}, "ban": 1000}""")).ShouldBeAllowedBy(rule);
    }

    [Theory]
    [InlineData("1", "10.1")]
    [InlineData("6", "9.1")]
    [InlineData("10", "9.3")]
    [InlineData("12", "10.3")]
    public void Users_keys_must_be_user_ids(string id, string rule)
    {
        var room = WithMembers(V(id), "invite");

        room.Check(Change(room, Alice, """{"users": {"not-a-user": 10}}""")).ShouldBeRejectedBy(rule);
        room.Check(Change(room, Alice, """{"users": []}""")).ShouldBeRejectedBy(rule);
        room.Check(Change(room, Alice, """{"users": {"@bob:not a server": 10}}""")).ShouldBeRejectedBy(rule);
    }

    // "Valid user ID" is the Identifiers grammar read leniently: historical localparts that old rooms hold pass.
    [Theory]
    [InlineData("1")]
    [InlineData("10")]
    public void Historical_user_ids_are_valid_users_keys(string id)
    {
        var room = WithMembers(V(id), "invite");

        room.Check(Change(room, Alice, """{"users": {"@alice:example.com": 100, "@Old_Style!:example.com:8448": 10}}""")).ShouldBeAllowed();
    }

    [Theory]
    [InlineData("1", "10.1")]
    [InlineData("9", "9.1")]
    public void Before_v10_user_levels_may_be_integer_strings_but_nothing_else(string id, string rule)
    {
        var room = WithMembers(V(id), "invite");

        room.Check(Change(room, Alice, """{"users": {"ALICE": "100", "BOB": " +20 "}}""")).ShouldBeAllowed();
        room.Check(Change(room, Alice, """{"users": {"BOB": "twenty"}}""")).ShouldBeRejectedBy(rule);
        room.Check(Change(room, Alice, """{"users": {"BOB": null}}""")).ShouldBeRejectedBy(rule);
    }

    [Theory]
    [InlineData("10", "9.1", """{"ban": "50"}""")]
    [InlineData("10", "9.1", """{"kick": null}""")]
    [InlineData("10", "9.2", """{"events": {"m.room.name": "50"}}""")]
    [InlineData("10", "9.2", """{"notifications": []}""")]
    [InlineData("10", "9.3", """{"users": {"@bob:example.com": "50"}}""")]
    [InlineData("12", "10.1", """{"invite": true}""")]
    [InlineData("12", "10.2", """{"events": {"m.room.name": 1.5}}""")]
    public void From_v10_every_level_must_be_a_json_integer(string id, string rule, string content)
    {
        var room = WithMembers(V(id), "invite");

        room.Check(Change(room, Alice, content)).ShouldBeRejectedBy(rule);
    }

    [Fact]
    public void V9_accepts_string_named_levels_that_v10_rejects()
    {
        var v9 = WithMembers(RoomVersions.V9, "invite");
        v9.Check(Change(v9, Alice, """{"ban": "50", "events": {"m.room.name": "50"}}""")).ShouldBeAllowedBy("9.2");
    }

    [Fact]
    public void V12_power_levels_may_not_list_a_creator()
    {
        var room = Created(RoomVersions.V12, createContent: new JsonObject { ["additional_creators"] = new JsonArray(Bob) });
        room.Set(room.Member(Alice, Alice, "join"));

        room.Check(Change(room, Alice, """{"users": {"BOB": 100}}""")).ShouldBeRejectedBy("10.4");
        room.Check(Change(room, Alice, """{"users": {"ALICE": 100}}""")).ShouldBeRejectedBy("10.4");
        room.Check(Change(room, Alice, """{"users": {"CAROL": 100}}""")).ShouldBeAllowedBy("10.5");
    }

    [Fact]
    public void V11_power_levels_may_list_the_creator()
    {
        var room = WithMembers(RoomVersions.V11, "invite");

        room.Check(Change(room, Alice, """{"users": {"ALICE": 100}}""")).ShouldBeAllowedBy("9.4");
    }

    [Theory]
    [InlineData("1", "10.3.2")]
    [InlineData("6", "9.3.2")]
    [InlineData("10", "9.5.2")]
    [InlineData("12", "10.6.2")]
    public void Raising_a_named_level_above_ones_own_is_rejected(string id, string rule)
    {
        var room = Room(V(id));

        room.Check(Change(room, Bob, Content(room, """{"kick": 51}"""))).ShouldBeRejectedBy(rule);
    }

    [Theory]
    [InlineData("1", "10.3.1")]
    [InlineData("10", "9.5.1")]
    public void Changing_a_named_level_that_is_above_ones_own_is_rejected(string id, string rule)
    {
        var room = Room(V(id), """{"ban": 60}""");

        room.Check(Change(room, Bob, Content(room, """{"ban": 40}"""))).ShouldBeRejectedBy(rule);
        room.Check(Change(room, Bob, Content(room))).ShouldBeRejectedBy(rule); // removing it
    }

    [Fact]
    public void Changing_named_levels_within_ones_own_power_is_allowed_and_equal_values_are_no_change()
    {
        var room = Room(RoomVersions.V9, """{"ban": "60", "kick": 40}""");

        // "60" and 60 are the same value: not a change, so Bob (50) does not need the ban level's power.
        room.Check(Change(room, Bob, Content(room, """{"ban": 60, "kick": 50}"""))).ShouldBeAllowedBy("9.8");
    }

    [Theory]
    [InlineData("1", "10.4.1", "10.5.1")]
    [InlineData("6", "9.4.1", "9.5.1")]
    [InlineData("10", "9.6.1", "9.7.1")]
    [InlineData("12", "10.7.1", "10.8.1")]
    public void Event_levels_can_only_be_changed_within_ones_own_power(string id, string oldRule, string newRule)
    {
        var room = Room(V(id), """{"events": {"m.room.name": 70, "m.room.topic": 10}}""");

        room.Check(Change(room, Bob, Content(room, """{"events": {"m.room.topic": 10}}"""))).ShouldBeRejectedBy(oldRule);
        room.Check(Change(room, Bob, Content(room, """{"events": {"m.room.name": 70, "m.room.topic": 51}}"""))).ShouldBeRejectedBy(newRule);
        room.Check(Change(room, Bob, Content(room, """{"events": {"m.room.name": 70, "m.room.topic": 50}}"""))).ShouldBeAllowed();
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("5", true)]
    [InlineData("6", false)]
    [InlineData("12", false)]
    public void Notification_levels_are_guarded_from_v6(string id, bool allowed)
    {
        var room = Room(V(id));

        var result = room.Check(Change(room, Bob, Content(room, """{"notifications": {"room": 100}}""")));

        result.Allowed.ShouldBe(allowed, result.ToString());
    }

    [Theory]
    [InlineData("1", "10.6.1")]
    [InlineData("6", "9.6.1")]
    [InlineData("10", "9.8.1")]
    [InlineData("12", "10.9.1")]
    public void Demoting_someone_at_or_above_ones_own_level_is_rejected(string id, string rule)
    {
        var room = Room(V(id));
        room.Set(Change(room, Alice, Content(room, carol: 50)));

        room.Check(Change(room, Bob, Content(room, carol: 10))).ShouldBeRejectedBy(rule);
        room.Check(Change(room, Bob, Content(room))).ShouldBeRejectedBy(rule); // removing Carol
    }

    [Fact]
    public void Demoting_oneself_is_allowed()
    {
        var room = Room(RoomVersions.V10);

        room.Check(Change(room, Bob, """{"users": {"ALICE": 100, "BOB": 10}}""")).ShouldBeAllowedBy("9.10");
        room.Check(Change(room, Bob, """{"users": {"ALICE": 100}}""")).ShouldBeAllowedBy("9.10");
    }

    [Theory]
    [InlineData("1", "10.7.1")]
    [InlineData("10", "9.9.1")]
    [InlineData("12", "10.10.1")]
    public void Promoting_above_ones_own_level_is_rejected_but_up_to_it_is_allowed(string id, string rule)
    {
        var room = Room(V(id));

        room.Check(Change(room, Bob, Content(room, carol: 51))).ShouldBeRejectedBy(rule);
        room.Check(Change(room, Bob, Content(room, carol: 50))).ShouldBeAllowed();
    }

    [Fact]
    public void A_v12_creator_may_set_any_level()
    {
        var room = Room(RoomVersions.V12, """{"ban": 1000000}""");

        room.Check(Change(room, Alice, """{"users": {"BOB": 9007199254740991}, "ban": -5, "events": {"m.room.tombstone": 150}}""")).ShouldBeAllowedBy("10.11");
    }

    [Fact]
    public void Sending_power_levels_needs_the_required_level_first()
    {
        var room = Room(RoomVersions.V10);

        room.Check(Change(room, Carol, """{"users": {"ALICE": 100, "BOB": 50}}""")).ShouldBeRejectedBy("7");
    }

    [Fact]
    public void Before_v10_a_new_event_with_unreadable_levels_is_rejected_when_it_replaces_one()
    {
        var room = Room(RoomVersions.V9);

        room.Check(Change(room, Alice, """{"users": {"ALICE": 100}, "kick": "lots"}""")).ShouldBeRejectedBy("9.3");
    }

    [Fact]
    public void Unreadable_power_levels_in_the_state_reject_events_that_need_them()
    {
        var room = WithMembers(RoomVersions.V9, "invite", joined: Bob);
        room.Set(Change(room, Alice, """{"users": {"ALICE": 100}, "state_default": "fifty"}"""));

        room.Check(room.StateEvent("m.room.name", Alice, "")).ShouldBeRejectedBy("7");
    }
}
