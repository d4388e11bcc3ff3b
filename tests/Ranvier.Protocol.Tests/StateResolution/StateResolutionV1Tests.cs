using System.Security.Cryptography;
using System.Text;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;
using static Ranvier.Protocol.Tests.StateResolution.RoomDag;

namespace Ranvier.Protocol.Tests.StateResolution;

/// <summary>The room version 1 algorithm (spec: rooms/v1, "State resolution").</summary>
public sealed class StateResolutionV1Tests
{
    private static readonly StateKey PowerKey = new(EventTypes.PowerLevels, "");
    private static readonly StateKey TopicKey = new(EventTypes.Topic, "");

    private static RoomDag Room() => new RoomDag(RoomVersions.V1).WithInitialRoom();

    [Fact]
    public void Power_levels_are_applied_shallowest_first_so_the_deepest_allowed_one_wins()
    {
        var room = Room();
        room.PowerLevels("A1", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.PowerLevels("B1", Alice, Users((Alice, 100), (Charlie, 50)), "IMZ");
        room.PowerLevels("B2", Alice, Users((Alice, 100), (Charlie, 60)), "B1");

        room.Resolve("A1", "B2")[PowerKey].ShouldBe(Id("B2"));
    }

    [Fact]
    public void Power_levels_stop_at_the_first_refused_event()
    {
        var room = Room();
        room.PowerLevels("P1", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.Message("X1", Zara, "IMZ");
        // Bob cannot give himself more than he has: refused on any state, which ends the power-levels pass.
        room.PowerLevels("P2", Bob, Users((Alice, 100), (Bob, 99)), "X1");
        room.Message("Y1", Zara, "IMZ");
        room.Message("Y2", Zara, "Y1");
        room.PowerLevels("P3", Alice, Users((Alice, 100), (Bob, 10)), "Y2");

        room.Resolve("P1", "P2", "P3")[PowerKey].ShouldBe(Id("P1"));
    }

    [Fact]
    public void Other_conflicts_take_the_deepest_event_the_resolved_state_allows()
    {
        var room = Room();
        room.Topic("TA", Alice, "IMZ");
        room.Message("X1", Zara, "IMZ");
        room.Topic("TB", Bob, "X1");

        // TB is deeper but Bob may not set the topic, so TA stays.
        room.Resolve("TA", "TB")[TopicKey].ShouldBe(Id("TA"));

        room.Message("Y1", Zara, "IMZ");
        room.Topic("TC", Alice, "Y1");
        room.Resolve("TA", "TC")[TopicKey].ShouldBe(Id("TC"));
    }

    [Fact]
    public void An_ordinary_key_none_of_whose_events_passes_keeps_the_last_one_tried()
    {
        var room = Room();
        room.Topic("TB1", Bob, "IMZ");
        room.Message("X1", Zara, "IMZ");
        room.Topic("TB2", Bob, "X1");

        // Bob may set no topic; the events are tried deepest first, so the shallower TB1 is left (as in Synapse).
        room.Resolve("TB1", "TB2")[TopicKey].ShouldBe(Id("TB1"));
    }

    [Fact]
    public void A_key_only_some_states_hold_is_not_a_conflict()
    {
        var room = Room();
        room.Topic("T", Bob, "IMZ");
        room.Message("X", Zara, "IMZ");

        // Bob's topic would fail the checks, but v1 only resolves keys whose event IDs differ.
        room.Resolve("T", "X")[TopicKey].ShouldBe(Id("T"));
    }

    [Fact]
    public void Other_conflicts_at_equal_depth_take_the_lowest_sha1_of_the_event_id()
    {
        var room = Room();
        room.Topic("TOPIC1", Alice, "IMZ");
        room.Topic("TOPIC2", Alice, "IMZ");
        var lowest = new[] { Id("TOPIC1"), Id("TOPIC2") }
            .OrderBy(id => Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(id))), StringComparer.Ordinal)
            .First();

        room.Resolve("TOPIC1", "TOPIC2")[TopicKey].ShouldBe(lowest);
        room.Resolve("TOPIC2", "TOPIC1")[TopicKey].ShouldBe(lowest);
    }

    [Fact]
    public void Membership_conflicts_are_checked_against_the_resolved_power_levels()
    {
        var room = Room();
        room.PowerLevels("PA", Alice, Users((Alice, 100), (Bob, 60)), "IMZ");
        room.Member("KICK", Bob, Charlie, "leave", "PA");
        room.Message("M", Zara, "IMZ");
        room.PowerLevels("PD", Alice, Users((Alice, 100), (Bob, 0)), "M");

        var state = room.Resolve("KICK", "PD");

        // PD is deeper than PA, so it is applied last. Charlie's join (shallower) is taken first, then Bob's kick
        // is checked against PD, which took Bob's power away, and refused.
        state[PowerKey].ShouldBe(Id("PD"));
        state[new StateKey(EventTypes.Member, Charlie)].ShouldBe(Id("IMC"));
    }
}
