using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;
using static Ranvier.Protocol.Tests.StateResolution.RoomDag;

namespace Ranvier.Protocol.Tests.StateResolution;

/// <summary>
/// What room version 12 changes in state resolution (spec: rooms/v12, "State resolution"): the checks of the
/// power events start from an empty state, and the conflicted state subgraph is replayed. Each case is also run
/// on v11 to show the reset the change fixes.
/// </summary>
public sealed class StateResolutionV21Tests
{
    private static readonly StateKey JoinRulesKey = new(EventTypes.JoinRules, "");

    [Fact]
    public void Join_rules_keep_their_latest_value_when_their_sender_has_since_left_on_v12()
    {
        var (room, correct, stale) = JoinRulesWhoseSenderLeft(RoomVersions.V12);

        var state = room.ResolveSets(correct, stale);

        state[JoinRulesKey].ShouldBe(Id("JR2"));
    }

    [Fact]
    public void Join_rules_reset_to_nothing_when_their_sender_has_since_left_on_v11()
    {
        // v2 starts the checks from the unconflicted state, where Alice has left: both join rules fail.
        var (room, correct, stale) = JoinRulesWhoseSenderLeft(RoomVersions.V11);

        var state = room.ResolveSets(correct, stale);

        state.ShouldNotContainKey(JoinRulesKey);
    }

    [Fact]
    public void Membership_citing_old_power_levels_is_replayed_through_the_conflicted_subgraph_on_v12()
    {
        var (room, dodgy, sensible) = RenameCitingOldPowerLevels(RoomVersions.V12);

        var state = room.ResolveSets(dodgy, sensible);

        // ME2 (the rename) sorts into the PW1 epoch and ME1 into the PW3 one, so ME1 is last applied.
        state[new StateKey(EventTypes.Member, Evelyn)].ShouldBe(Id("ME1"));
        state[new StateKey(EventTypes.PowerLevels, "")].ShouldBe(Id("PW3"));
        state[new StateKey(EventTypes.Member, Zara)].ShouldBe(Id("MZ"));
    }

    [Fact]
    public void Conflicted_subgraph_holds_the_paths_between_conflicted_events_and_not_older_history()
    {
        var (room, dodgy, sensible) = RenameCitingOldPowerLevels(RoomVersions.V12);
        var graph = new EventGraph(room.Version, room);
        var conflicted = StateSets.Split([dodgy, sensible]).ConflictedEventIds();

        var subgraph = AuthDifference.ConflictedSubgraph(graph, conflicted);

        // Paths between conflicted events: PW3 → PW2 → PW1, PW3 → MB → PW1, ME2 → ME1 → PW3, MZ → JR → PW1.
        // MA and CREATE are below PW1 only, and MC is cited by nothing.
        subgraph.ShouldBe(new[] { "PW1", "PW2", "PW3", "MB", "JR", "ME1", "ME2", "MZ" }.Select(Id), ignoreOrder: true);
        subgraph.ShouldNotContain(Id("CREATE"));
    }

    [Theory]
    [InlineData("11", "T3")]
    [InlineData("12", "T4")]
    public void Mainline_on_v12_starts_from_power_levels_only_when_they_were_conflicted(string version, string winner)
    {
        // Both states hold PA2. T3 cites PA2, T4 (sent later) cites PA1. v11 orders them on PA2's mainline, so
        // T3 comes last. v12 resolves the power events from an empty state, which here has no power levels
        // (they were not in conflict), so the mainline is empty and the later timestamp decides. Synapse and
        // Ruma read step 3 the same way.
        var room = new RoomDag(RoomVersions.Find(version)!).WithInitialRoom();
        room.PowerLevels("PA1", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.PowerLevels("PA2", Alice, Users((Alice, 100), (Bob, 60)), "PA1");
        room.Topic("T3", Alice, "PA2");
        room.Topic("T4", Alice, "PA1");
        var other = new Dictionary<StateKey, string>(room.StateAfter("T3")) { [new(EventTypes.Topic, "")] = Id("T4") };

        var state = room.ResolveSets(room.StateAfter("T3"), other);

        state[new StateKey(EventTypes.Topic, "")].ShouldBe(Id(winner));
    }

    // Alice (the creator) opens the room, promotes Bob, makes it invite-only and leaves; a stale fork still
    // holds the public join rules.
    private static (RoomDag Room, Dictionary<StateKey, string> Correct, Dictionary<StateKey, string> Stale) JoinRulesWhoseSenderLeft(RoomVersion version)
    {
        var room = new RoomDag(version);
        room.Add("CREATE", Alice, EventTypes.Create, "", [], []);
        room.Member("MA1", Alice, Alice, "join", "CREATE");
        room.PowerLevels("PW", Alice, Users((Alice, 100), (Bob, 100)), "MA1");
        room.JoinRules("JR1", Alice, "public", "PW");
        room.Member("MB", Bob, Bob, "join", "JR1");
        room.JoinRules("JR2", Alice, "invite", "MB");
        room.Member("MA2", Alice, Alice, "leave", "JR2");
        var correct = new Dictionary<StateKey, string>(room.StateAfter("MA2"));
        var stale = new Dictionary<StateKey, string>(correct) { [JoinRulesKey] = Id("JR1") };
        return (room, correct, stale);
    }

    // Evelyn joins under PW3, then renames herself citing PW1 directly (and PW3 only through ME1); Zara joins
    // citing PW3. The dodgy state after the rename holds PW1.
    private static (RoomDag Room, Dictionary<StateKey, string> Dodgy, Dictionary<StateKey, string> Sensible) RenameCitingOldPowerLevels(RoomVersion version)
    {
        var room = new RoomDag(version);
        string[] create = version.RoomIdFromCreateEvent ? [] : ["CREATE"];
        room.Add("CREATE", Alice, EventTypes.Create, "", [], []);
        room.Add("MA", Alice, EventTypes.Member, Alice, Join(), ["CREATE"], auth: create);
        room.Add("PW1", Alice, EventTypes.PowerLevels, "", new() { ["users"] = Users() }, ["MA"], auth: [.. create, "MA"]);
        room.Add("JR", Alice, EventTypes.JoinRules, "", new() { ["join_rule"] = "public" }, ["PW1"], auth: [.. create, "MA", "PW1"]);
        room.Add("MB", Bob, EventTypes.Member, Bob, Join(), ["JR"], auth: [.. create, "PW1", "JR"]);
        room.Add("MC", Charlie, EventTypes.Member, Charlie, Join(), ["MB"], auth: [.. create, "PW1", "JR"]);
        room.Add("PW2", Alice, EventTypes.PowerLevels, "", new() { ["users"] = Users((Bob, 50)) }, ["MC"], auth: [.. create, "MA", "PW1"]);
        room.Add("PW3", Bob, EventTypes.PowerLevels, "", new() { ["users"] = Users((Bob, 50), (Charlie, 50)) }, ["PW2"], auth: [.. create, "MB", "PW2"]);
        room.Add("ME1", Evelyn, EventTypes.Member, Evelyn, Join(), ["PW3"], auth: [.. create, "PW3", "JR"]);
        room.Add("ME2", Evelyn, EventTypes.Member, Evelyn, Join(), ["ME1"], auth: [.. create, "PW1", "JR", "ME1"]);
        room.Add("MZ", Zara, EventTypes.Member, Zara, Join(), ["PW3"], auth: [.. create, "PW3", "JR"]);

        var common = new Dictionary<StateKey, string>
        {
            [new(EventTypes.Create, "")] = Id("CREATE"),
            [new(EventTypes.Member, Alice)] = Id("MA"),
            [new(EventTypes.Member, Bob)] = Id("MB"),
            [new(EventTypes.Member, Charlie)] = Id("MC"),
            [JoinRulesKey] = Id("JR"),
        };
        var dodgy = new Dictionary<StateKey, string>(common)
        {
            [new(EventTypes.Member, Evelyn)] = Id("ME2"),
            [new(EventTypes.PowerLevels, "")] = Id("PW1"),
        };
        var sensible = new Dictionary<StateKey, string>(common)
        {
            [new(EventTypes.Member, Zara)] = Id("MZ"),
            [new(EventTypes.PowerLevels, "")] = Id("PW3"),
        };
        return (room, dodgy, sensible);

        static System.Text.Json.Nodes.JsonObject Join() => new() { ["membership"] = "join" };
    }
}
