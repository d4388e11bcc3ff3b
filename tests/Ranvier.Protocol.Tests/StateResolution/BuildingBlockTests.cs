using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;
using static Ranvier.Protocol.Tests.StateResolution.RoomDag;

namespace Ranvier.Protocol.Tests.StateResolution;

/// <summary>The steps of state resolution v2 one by one: split, auth chains and difference, both orderings, the checks.</summary>
public sealed class BuildingBlockTests
{
    private static RoomDag Room(RoomVersion? version = null) => new RoomDag(version ?? RoomVersions.V11).WithInitialRoom();

    [Fact]
    public void Split_counts_a_key_missing_from_one_state_as_conflicted()
    {
        var a = new Dictionary<StateKey, string> { [new("t", "")] = "$1", [new("u", "")] = "$2" };
        var b = new Dictionary<StateKey, string> { [new("t", "")] = "$1" };

        var split = StateSets.Split([a, b]);

        split.Unconflicted.ShouldBe(new Dictionary<StateKey, string> { [new("t", "")] = "$1" });
        split.Conflicted.Keys.ShouldBe([new StateKey("u", "")]);
        split.Conflicted[new("u", "")].ShouldBe(["$2"]);
    }

    [Fact]
    public void Auth_chain_holds_every_ancestor_through_auth_events_but_not_the_event()
    {
        var room = Room();
        var graph = new EventGraph(room.Version, room);

        // IMZ (Zara joins) cites CREATE, IPOWER and IJR; IPOWER cites IMA, which cites CREATE.
        graph.AuthChain(Id("IMZ")).ShouldBe(new[] { "CREATE", "IMA", "IPOWER", "IJR" }.Select(Id), ignoreOrder: true);
        graph.AuthChain(Id("CREATE")).ShouldBeEmpty();
    }

    [Fact]
    public void Auth_chain_on_v12_includes_the_create_event_named_by_the_room_id()
    {
        var room = Room(RoomVersions.V12);
        var graph = new EventGraph(room.Version, room);

        room["IMA"].AuthEvents.ShouldBeEmpty();
        graph.AuthChain(Id("IMA")).ShouldBe([Id("CREATE")]);
        graph.AuthChain(Id("IMZ")).ShouldContain(Id("CREATE"));
    }

    [Fact]
    public void Auth_chain_survives_a_deep_history_without_recursion()
    {
        var room = Room();
        var previous = "IMZ";
        for (var i = 0; i < 10_000; i++)
        {
            var name = "P" + i;
            room.PowerLevels(name, Alice, Users((Alice, 100), (Bob, i % 50)), previous);
            previous = name;
        }

        new EventGraph(room.Version, room).AuthChain(Id(previous)).Count.ShouldBe(10_000 - 1 + 3);
    }

    [Fact]
    public void Auth_difference_is_what_some_but_not_all_state_chains_hold()
    {
        var room = Room();
        room.PowerLevels("PA", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.Topic("TB", Bob, "PA");
        room.Topic("TA", Alice, "IMZ");
        var graph = new EventGraph(room.Version, room);

        var difference = AuthDifference.Compute(graph, [room.StateAfter("TB"), room.StateAfter("TA")]);

        // Each set's full chain holds its own events: PA and TB only in one, TA only in the other. IPOWER is
        // below PA and in the other set; IMB, which TB cites, is in both sets.
        difference.ShouldBe([Id("PA"), Id("TB"), Id("TA")], ignoreOrder: true);
    }

    [Fact]
    public void Power_ordering_puts_higher_sender_power_first_then_earlier_timestamp_then_smaller_id()
    {
        var room = Room();
        room.PowerLevels("P0", Alice, Users((Alice, 100), (Bob, 50), (Charlie, 50), (Zara, 50)), "IMZ");
        room.Add("PZ", Zara, EventTypes.JoinRules, "", new() { ["join_rule"] = "public" }, ["P0"], ts: 100);
        room.Add("PC", Charlie, EventTypes.JoinRules, "", new() { ["join_rule"] = "public" }, ["P0"], ts: 100);
        room.Add("PB", Bob, EventTypes.JoinRules, "", new() { ["join_rule"] = "public" }, ["P0"], ts: 200);
        room.Add("PA", Alice, EventTypes.JoinRules, "", new() { ["join_rule"] = "public" }, ["P0"], ts: 300);
        var graph = new EventGraph(room.Version, room);
        var events = new[] { "PB", "PZ", "PA", "PC" }.Select(Id).ToHashSet();

        var sorted = PowerOrdering.Sort(graph, room.Auth, events, events);

        sorted.ShouldBe(new[] { "PA", "PC", "PZ", "PB" }.Select(Id));
    }

    [Theory]
    [InlineData("11", new[] { "JB", "JA" })]
    [InlineData("12", new[] { "JA", "JB" })]
    public void Power_ordering_ranks_v12_creators_above_any_listed_level(string version, string[] expected)
    {
        // Bob is made 100 like Alice and changes the join rules first; only on v12 does Alice, the creator
        // (power read through the create event the room ID names), still sort ahead of him.
        var room = new RoomDag(RoomVersions.Find(version)!).WithInitialRoom();
        room.PowerLevels("P0", Alice, Users((Alice, 100), (Bob, 100)), "IMZ");
        room.Add("JB", Bob, EventTypes.JoinRules, "", new() { ["join_rule"] = "invite" }, ["P0"], ts: 10);
        room.Add("JA", Alice, EventTypes.JoinRules, "", new() { ["join_rule"] = "public" }, ["P0"], ts: 20);
        var graph = new EventGraph(room.Version, room);
        var events = new[] { "JA", "JB" }.Select(Id).ToHashSet();

        PowerOrdering.Sort(graph, room.Auth, events, events).ShouldBe(expected.Select(Id));
    }

    [Fact]
    public void Power_ordering_keeps_auth_ancestors_first_even_when_their_sender_has_less_power()
    {
        var room = Room();
        room.PowerLevels("P0", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.PowerLevels("PB", Bob, Users((Alice, 100), (Bob, 50), (Charlie, 10)), "P0");
        room.PowerLevels("PA", Alice, Users((Alice, 100), (Bob, 50), (Charlie, 20)), "PB");
        var graph = new EventGraph(room.Version, room);
        var events = new[] { "PA", "PB", "P0" }.Select(Id).ToHashSet();

        PowerOrdering.Sort(graph, room.Auth, [Id("PA")], events).ShouldBe(new[] { "P0", "PB", "PA" }.Select(Id));
    }

    [Fact]
    public void Power_ordering_handles_thousands_of_concurrent_events()
    {
        var room = Room();
        var names = Enumerable.Range(0, 5000).Select(i => $"K{i:D5}").ToList();
        foreach (var name in names)
        {
            room.Add(name, Alice, EventTypes.Member, "@u" + name + ":example.com", new() { ["membership"] = "ban" }, ["IMZ"], ts: 7);
        }

        var graph = new EventGraph(room.Version, room);
        var ids = names.Select(Id).ToHashSet();

        PowerOrdering.Sort(graph, room.Auth, ids, ids).ShouldBe(names.Select(Id));
    }

    [Fact]
    public void Mainline_orders_by_power_level_epoch_then_timestamp_then_id()
    {
        var room = Room();
        room.PowerLevels("PA1", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.PowerLevels("PA2", Alice, Users((Alice, 100), (Bob, 50), (Charlie, 1)), "PA1");
        room.Add("T_NEW", Alice, EventTypes.Topic, "", [], ["PA2"], ts: 1);
        room.Add("T_OLD", Alice, EventTypes.Topic, "", [], ["PA1"], ts: 500);
        room.Add("T_TIE_B", Alice, EventTypes.Topic, "", [], ["PA1"], ts: 400);
        room.Add("T_TIE_A", Alice, EventTypes.Topic, "", [], ["PA1"], ts: 400);
        room.Add("T_NONE", Alice, EventTypes.Topic, "", [], ["PA2"], auth: ["CREATE", "IMA"], ts: 900);
        var mainline = new MainlineOrdering(new EventGraph(room.Version, room), Id("PA2"));

        var sorted = mainline.Sort(new[] { "T_NEW", "T_OLD", "T_TIE_B", "T_TIE_A", "T_NONE" }.Select(Id));

        // No power levels at all (∞) first, then the PA1 epoch by timestamp and ID, then the PA2 epoch.
        sorted.ShouldBe(new[] { "T_NONE", "T_TIE_A", "T_TIE_B", "T_OLD", "T_NEW" }.Select(Id));
    }

    [Fact]
    public void Mainline_places_an_off_mainline_power_level_ancestry_where_it_joins_the_mainline()
    {
        var room = Room();
        room.PowerLevels("PA1", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.PowerLevels("PA2", Alice, Users((Alice, 100), (Bob, 50), (Charlie, 1)), "PA1");
        room.PowerLevels("PB", Bob, Users((Alice, 100), (Bob, 50), (Charlie, 2)), "PA1");
        room.Add("TB", Bob, EventTypes.Topic, "", [], ["PB"], ts: 1000);
        room.Add("TI", Alice, EventTypes.Topic, "", [], ["IMZ"], ts: 2000);
        room.Add("TA", Alice, EventTypes.Topic, "", [], ["PA2"], ts: 1);
        var mainline = new MainlineOrdering(new EventGraph(room.Version, room), Id("PA2"));

        // TB cites PB, which is off the mainline but cites PA1: TB belongs to the PA1 epoch.
        mainline.Sort(new[] { "TA", "TB", "TI" }.Select(Id)).ShouldBe(new[] { "TI", "TB", "TA" }.Select(Id));
    }

    [Fact]
    public void Iterative_checks_take_missing_keys_from_the_events_own_auth_events()
    {
        var room = Room();
        room.Topic("T", Alice, "IMZ");
        var graph = new EventGraph(room.Version, room);
        var state = new Dictionary<StateKey, string>();

        IterativeAuthChecks.Apply(graph, room.Auth, state, [Id("T")]);

        state.ShouldBe(new Dictionary<StateKey, string> { [new(EventTypes.Topic, "")] = Id("T") });
    }

    [Fact]
    public void Iterative_checks_prefer_the_state_to_the_auth_events()
    {
        var room = Room();
        room.Topic("T", Bob, "IMZ");
        room.PowerLevels("PB", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        var graph = new EventGraph(room.Version, room);
        var state = new Dictionary<StateKey, string>(room.StateAfter("PB"));

        // T was refused in its own branch (Bob had no power) but passes once PB is the state's power levels.
        room.Auth.IsAllowed(room.Version, room["T"], k => graph.AuthEventsByKey(room["T"]).GetValueOrDefault(k)).ShouldBeFalse();
        IterativeAuthChecks.Apply(graph, room.Auth, state, [Id("T")]);

        state[new(EventTypes.Topic, "")].ShouldBe(Id("T"));
    }

    [Fact]
    public void Iterative_checks_ignore_rejected_auth_events()
    {
        var room = Room();
        room.Member("MD", Alice, "@dan:example.com", "invite", "IMZ");
        room.Member("JD", "@dan:example.com", "@dan:example.com", "join", "MD");
        room.JoinRules("JR", Alice, "invite", "IMZ");
        room.Reject("MD");
        var graph = new EventGraph(room.Version, room);
        var state = new Dictionary<StateKey, string>(room.StateAfter("JR"));

        // Dan's join rests on the invite; with the invite rejected it has nothing to stand on.
        IterativeAuthChecks.Apply(graph, room.Auth, state, [Id("JD")]);

        state.ShouldNotContainKey(new StateKey(EventTypes.Member, "@dan:example.com"));
    }

    [Fact]
    public void Power_events_are_power_levels_join_rules_and_removals_of_others()
    {
        var room = Room();
        room.Member("KICK", Alice, Bob, "leave", "IMZ");
        room.Member("SELF", Charlie, Charlie, "leave", "IMZ");
        room.Topic("T", Alice, "IMZ");

        PowerEvents.IsPowerEvent(room["IPOWER"]).ShouldBeTrue();
        PowerEvents.IsPowerEvent(room["IJR"]).ShouldBeTrue();
        PowerEvents.IsPowerEvent(room["KICK"]).ShouldBeTrue();
        PowerEvents.IsPowerEvent(room["SELF"]).ShouldBeFalse();
        PowerEvents.IsPowerEvent(room["IMB"]).ShouldBeFalse();
        PowerEvents.IsPowerEvent(room["T"]).ShouldBeFalse();
    }
}
