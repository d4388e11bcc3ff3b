using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Tests.Auth;

public class PowerLevelsTests
{
    private static readonly RoomCreators NoCreators = RoomCreators.None;

    private static PowerLevels Parse(RoomVersion version, string json) =>
        PowerLevels.TryParse(version, JsonNode.Parse(json)!.AsObject(), NoCreators, out var error)
        ?? throw new InvalidOperationException(error);

    [Fact]
    public void Empty_content_gets_the_spec_defaults()
    {
        var levels = Parse(RoomVersions.V10, "{}");

        levels.UsersDefault.ShouldBe(0);
        levels.EventsDefault.ShouldBe(0);
        levels.StateDefault.ShouldBe(50);
        levels.Ban.ShouldBe(50);
        levels.Kick.ShouldBe(50);
        levels.Redact.ShouldBe(50);
        levels.Invite.ShouldBe(0);
        levels.NotificationLevel("room").ShouldBe(50);
        levels.FromEvent.ShouldBeTrue();
    }

    [Fact]
    public void Without_an_event_the_v1_creator_has_100_and_everyone_else_0()
    {
        var room = TestRoom.Created(RoomVersions.V1);
        var levels = PowerLevels.FromState(RoomVersions.V1, room.State);

        levels.FromEvent.ShouldBeFalse();
        levels.UserLevel(TestRoom.Alice).ShouldBe(100);
        levels.UserLevel(TestRoom.Bob).ShouldBe(0);
        levels.StateDefault.ShouldBe(50);
    }

    [Fact]
    public void V1_creator_comes_from_content_creator_not_sender()
    {
        var room = TestRoom.Created(RoomVersions.V1, createContent: new JsonObject { ["creator"] = TestRoom.Bob });

        var levels = PowerLevels.FromState(RoomVersions.V1, room.State);

        levels.UserLevel(TestRoom.Bob).ShouldBe(100);
        levels.UserLevel(TestRoom.Alice).ShouldBe(0);
    }

    [Fact]
    public void V11_creator_is_the_create_sender_and_content_creator_is_ignored()
    {
        var room = TestRoom.Created(RoomVersions.V11, createContent: new JsonObject { ["creator"] = TestRoom.Bob });

        var levels = PowerLevels.FromState(RoomVersions.V11, room.State);

        levels.UserLevel(TestRoom.Alice).ShouldBe(100);
        levels.UserLevel(TestRoom.Bob).ShouldBe(0);
    }

    [Fact]
    public void V12_creators_have_infinite_power_even_over_a_power_levels_event()
    {
        var room = TestRoom.Created(RoomVersions.V12, createContent: new JsonObject { ["additional_creators"] = new JsonArray(TestRoom.Bob) });
        room.Set(room.StateEvent("m.room.power_levels", TestRoom.Alice, "", new JsonObject { ["users_default"] = 10, ["users"] = new JsonObject { [TestRoom.Carol] = 9000 } }));

        var levels = PowerLevels.FromState(RoomVersions.V12, room.State);

        levels.UserLevel(TestRoom.Alice).ShouldBe(PowerLevels.CreatorLevel);
        levels.UserLevel(TestRoom.Bob).ShouldBe(PowerLevels.CreatorLevel);
        levels.UserLevel(TestRoom.Carol).ShouldBe(9000);
        levels.UserLevel(TestRoom.Remote).ShouldBe(10);
        levels.CanBan(TestRoom.Alice, TestRoom.Bob).ShouldBeFalse(); // creators are equals
        levels.CanBan(TestRoom.Alice, TestRoom.Carol).ShouldBeTrue();
    }

    [Fact]
    public void V12_creators_without_a_power_levels_event_still_outrank_everyone()
    {
        var room = TestRoom.Created(RoomVersions.V12);

        var levels = PowerLevels.FromState(RoomVersions.V12, room.State);

        levels.UserLevel(TestRoom.Alice).ShouldBe(PowerLevels.CreatorLevel);
        levels.UserLevel(TestRoom.Bob).ShouldBe(0);
    }

    [Fact]
    public void User_and_event_levels_fall_back_to_the_defaults()
    {
        var levels = Parse(RoomVersions.V10, """
            {"users_default": 5, "events_default": 10, "state_default": 20,
             "users": {"@a:x": 70}, "events": {"m.room.name": 60, "m.reaction": 1}}
            """);

        levels.UserLevel("@a:x").ShouldBe(70);
        levels.UserLevel("@b:x").ShouldBe(5);
        levels.EventLevel("m.room.name", isState: true).ShouldBe(60);
        levels.EventLevel("m.reaction", isState: false).ShouldBe(1);
        levels.EventLevel("m.room.topic", isState: true).ShouldBe(20);
        levels.EventLevel("m.room.message", isState: false).ShouldBe(10);
        levels.CanSend("@a:x", "m.room.name", true).ShouldBeTrue();
        levels.CanSend("@b:x", "m.room.message", false).ShouldBeFalse();
    }

    [Fact]
    public void Invite_kick_ban_redact_helpers_compare_with_the_named_levels()
    {
        var levels = Parse(RoomVersions.V10, """{"invite": 10, "kick": 20, "ban": 30, "redact": 40, "users": {"@mod:x": 30, "@peer:x": 30, "@low:x": 10}}""");

        levels.CanInvite("@low:x").ShouldBeTrue();
        levels.CanInvite("@nobody:x").ShouldBeFalse();
        levels.CanKick("@mod:x", "@low:x").ShouldBeTrue();
        levels.CanKick("@mod:x", "@peer:x").ShouldBeFalse();
        levels.CanBan("@mod:x", "@low:x").ShouldBeTrue();
        levels.CanBan("@low:x", "@nobody:x").ShouldBeFalse();
        levels.CanRedact("@mod:x").ShouldBeFalse();
    }

    [Theory]
    [InlineData("\"50\"", 50)]
    [InlineData("\"+100\"", 100)]
    [InlineData("\"-100\"", -100)]
    [InlineData("\"000100\"", 100)]
    [InlineData("\" 00100 \"", 100)]
    [InlineData("\" -5\\t\"", -5)]
    [InlineData("50.57", 50)]
    [InlineData("-1.9", -1)]
    [InlineData("5.114698E4", 51146)]
    public void Before_v6_strings_and_floats_are_read_as_integers(string value, long expected)
    {
        var levels = Parse(RoomVersions.V1, $$$"""{"ban": {{{value}}}, "users": {"@a:x": {{{value}}}}}""");

        levels.Ban.ShouldBe(expected);
        levels.UserLevel("@a:x").ShouldBe(expected);
    }

    [Theory]
    [InlineData("\"1.5\"")]
    [InlineData("\"1_000\"")]
    [InlineData("\"--1\"")]
    [InlineData("\"\"")]
    [InlineData("\"ten\"")]
    [InlineData("\"99999999999999999999\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    public void Malformed_values_make_the_content_unreadable(string value)
    {
        PowerLevels.TryParse(RoomVersions.V1, JsonNode.Parse($$"""{"kick": {{value}}}""")!.AsObject(), NoCreators, out var error)
            .ShouldBeNull();
        error.ShouldNotBeNull();
    }

    [Fact]
    public void From_v6_floats_are_not_integers_but_strings_still_are_until_v10()
    {
        PowerLevels.TryParse(RoomVersions.V6, JsonNode.Parse("""{"ban": 50.5}""")!.AsObject(), NoCreators, out _).ShouldBeNull();
        Parse(RoomVersions.V9, """{"ban": "60"}""").Ban.ShouldBe(60);
        PowerLevels.TryParse(RoomVersions.V10, JsonNode.Parse("""{"ban": "60"}""")!.AsObject(), NoCreators, out _).ShouldBeNull();
    }

    [Fact]
    public void Before_v10_a_null_level_counts_as_unset()
    {
        Parse(RoomVersions.V9, """{"kick": null}""").Kick.ShouldBe(50);
        PowerLevels.TryParse(RoomVersions.V10, JsonNode.Parse("""{"kick": null}""")!.AsObject(), NoCreators, out _).ShouldBeNull();
    }

    [Fact]
    public void Events_that_is_not_an_object_is_unreadable()
    {
        PowerLevels.TryParse(RoomVersions.V5, JsonNode.Parse("""{"events": 5}""")!.AsObject(), NoCreators, out var error).ShouldBeNull();
        error!.ShouldContain("events");
    }

    [Fact]
    public void Notification_levels_are_read_per_key()
    {
        var levels = Parse(RoomVersions.V10, """{"notifications": {"room": 20}}""");

        levels.NotificationLevel("room").ShouldBe(20);
        levels.NotificationLevel("other").ShouldBe(50);
    }

    [Fact]
    public void Levels_read_from_state_follow_the_create_event_they_are_read_with()
    {
        // The parsed levels are cached per power-levels event: another create event (other creators) must
        // not be served the first reading.
        var room = TestRoom.WithMembers(RoomVersions.V12, powerLevels: new JsonObject { ["users"] = new JsonObject { [TestRoom.Bob] = 50 } });
        var other = TestRoom.Created(RoomVersions.V12, TestRoom.Bob);
        var pl = room.State.Get(EventTypes.PowerLevels, "")!;

        var first = PowerLevels.FromState(RoomVersions.V12, room.State);
        var again = PowerLevels.FromState(RoomVersions.V12, room.State);
        var underBob = PowerLevels.FromState(RoomVersions.V12, AuthState.FromEvents([other.Create, pl]));

        again.ShouldBeSameAs(first);
        first.UserLevel(TestRoom.Alice).ShouldBe(PowerLevels.CreatorLevel);
        first.UserLevel(TestRoom.Bob).ShouldBe(50);
        underBob.UserLevel(TestRoom.Alice).ShouldBe(0);
        underBob.UserLevel(TestRoom.Bob).ShouldBe(PowerLevels.CreatorLevel);
    }
}
