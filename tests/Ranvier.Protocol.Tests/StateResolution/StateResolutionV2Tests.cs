using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;
using static Ranvier.Protocol.Tests.StateResolution.RoomDag;

namespace Ranvier.Protocol.Tests.StateResolution;

/// <summary>Whole-algorithm scenarios of state resolution v2, run on v2 (v1 event format), v11 (hash IDs) and v12 (v2.1).</summary>
public sealed class StateResolutionV2Tests
{
    public static TheoryData<string> Versions => ["2", "11", "12"];

    private static readonly StateKey PowerKey = new(EventTypes.PowerLevels, "");
    private static readonly StateKey TopicKey = new(EventTypes.Topic, "");
    private static readonly StateKey JoinRulesKey = new(EventTypes.JoinRules, "");

    private static RoomDag Room(string version) => new RoomDag(RoomVersions.Find(version)!).WithInitialRoom();

    private static StateKey MemberKey(string user) => new(EventTypes.Member, user);

    // Alice promotes Bob (PA1) and sets T2, then demotes him (PA2); concurrently Bob, still promoted on his
    // fork (PB), sets T3.
    private static RoomDag TopicRace(string version)
    {
        var room = Room(version);
        room.Topic("T1", Alice, "IMZ");
        room.PowerLevels("PA1", Alice, Users((Alice, 100), (Bob, 50)), "T1");
        room.Topic("T2", Alice, "PA1");
        room.PowerLevels("PA2", Alice, Users((Alice, 100), (Bob, 0)), "T2");
        room.PowerLevels("PB", Bob, Users((Alice, 100), (Bob, 50)), "PA1");
        room.Topic("T3", Bob, "PB");
        return room;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Ban_wins_over_a_racing_power_level_change_by_the_banned_user(string version)
    {
        var room = Room(version);
        room.PowerLevels("PA", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.Member("MA", Alice, Alice, "join", "PA");
        room.Member("MB", Alice, Bob, "ban", "MA");
        room.PowerLevels("PB", Bob, Users((Alice, 100), (Bob, 50)), "PA");

        var state = room.Resolve("MB", "PB");

        state[PowerKey].ShouldBe(Id("PA"));
        state[MemberKey(Alice)].ShouldBe(Id("MA"));
        state[MemberKey(Bob)].ShouldBe(Id("MB"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Join_racing_a_switch_to_invite_only_is_dropped(string version)
    {
        var room = Room(version);
        room.JoinRules("JR", Alice, "invite", "IMZ");
        room.Member("ME", Evelyn, Evelyn, "join", "IMZ");

        var state = room.Resolve("JR", "ME");

        state[JoinRulesKey].ShouldBe(Id("JR"));
        state.ShouldNotContainKey(MemberKey(Evelyn));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Power_level_changes_in_the_auth_difference_are_replayed_in_order(string version)
    {
        var room = Room(version);
        room.PowerLevels("PA", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.PowerLevels("PB", Bob, Users((Alice, 100), (Bob, 50), (Charlie, 50)), "PA");
        room.PowerLevels("PC", Charlie, Users((Alice, 100), (Bob, 50), (Charlie, 0)), "PB");

        room.Resolve("PC", "PA")[PowerKey].ShouldBe(Id("PC"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Topic_from_a_demoted_user_loses_to_the_admins_topic(string version)
    {
        var room = TopicRace(version);

        var state = room.Resolve("PA2", "T3");

        state[PowerKey].ShouldBe(Id("PA2"));
        state[TopicKey].ShouldBe(Id("T2"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Topic_resets_to_the_last_one_a_ban_leaves_valid(string version)
    {
        var room = Room(version);
        room.Topic("T1", Alice, "IMZ");
        room.PowerLevels("PA", Alice, Users((Alice, 100), (Bob, 50)), "T1");
        room.Topic("T2", Bob, "PA");
        room.Member("MB", Alice, Bob, "ban", "T2");

        var state = room.Resolve("MB", "T1");

        state[TopicKey].ShouldBe(Id("T1"));
        state[MemberKey(Bob)].ShouldBe(Id("MB"));
        state[PowerKey].ShouldBe(Id("PA"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Later_topic_after_a_merge_survives_the_next_merge(string version)
    {
        var room = TopicRace(version);
        room.Message("MZ1", Zara, "PA2", "T3");
        room.Topic("T4", Alice, "MZ1");

        var state = room.Resolve("T4", "MZ1");

        state[TopicKey].ShouldBe(Id("T4"));
        state[PowerKey].ShouldBe(Id("PA2"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Mainline_puts_a_topic_citing_newer_power_levels_last_despite_an_earlier_timestamp(string version)
    {
        var room = Room(version);
        room.Topic("T1", Alice, "IMZ");
        room.PowerLevels("PA1", Alice, Users((Alice, 100), (Bob, 50)), "T1");
        room.Topic("T2", Alice, "PA1");
        var strict = new JsonObject { ["users"] = Users((Alice, 100), (Bob, 50)), ["events"] = new JsonObject { [EventTypes.PowerLevels] = 100 } };
        room.State("PA2", Alice, EventTypes.PowerLevels, "", strict, "T2");
        room.PowerLevels("PB", Bob, Users((Alice, 100), (Bob, 50)), "PA1");
        room.Topic("T3", Bob, "PA2");
        room.Topic("T4", Alice, "PB");

        // T4 is newer than T3 by timestamp, but cites PA1 (via PB) while T3 cites PA2.
        room["T4"].OriginServerTs.ShouldBeGreaterThan(room["T3"].OriginServerTs);
        var state = room.Resolve("T3", "T4");

        state[TopicKey].ShouldBe(Id("T3"));
        state[PowerKey].ShouldBe(Id("PA2"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Unconflicted_state_is_returned_unchanged(string version)
    {
        var room = Room(version);
        room.Message("M1", Bob, "IMZ");
        room.Message("M2", Charlie, "IMZ");

        room.Resolve("M1", "M2").ShouldBe(room.StateAfter("IMZ"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Unconflicted_state_replaces_an_older_event_for_the_same_key_replayed_from_the_auth_difference(string version)
    {
        // MB1 (Bob's rename) is only in branch A's auth chains, so it is replayed by the checks; Bob's entry is
        // unconflicted (MB2, which does not cite MB1) and must win again at step 5.
        var room = Room(version);
        var rename = new JsonObject { ["membership"] = "join", ["displayname"] = "B" };
        room.PowerLevels("P", Alice, Users((Alice, 100), (Bob, 50)), "IMZ");
        room.Add("MB1", Bob, EventTypes.Member, Bob, rename, ["P"]);
        room.Topic("TB", Bob, "MB1");
        string[] mb2Auth = room.Version.RoomIdFromCreateEvent ? ["P", "IMB", "IJR"] : ["CREATE", "P", "IMB", "IJR"];
        room.Add("MB2", Bob, EventTypes.Member, Bob, rename.DeepClone().AsObject(), ["TB"], auth: mb2Auth);
        var other = new Dictionary<StateKey, string>(room.StateAfter("P")) { [MemberKey(Bob)] = Id("MB2") };

        var state = room.ResolveSets(room.StateAfter("MB2"), other);

        state[MemberKey(Bob)].ShouldBe(Id("MB2"));
        state[TopicKey].ShouldBe(Id("TB"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Unknown_events_in_a_conflict_are_left_out(string version)
    {
        var room = Room(version);
        room.Topic("T", Alice, "IMZ");
        var withUnknown = new Dictionary<StateKey, string>(room.StateAfter("IMZ")) { [TopicKey] = "$nobody-has-this" };

        var state = room.ResolveSets(room.StateAfter("T"), withUnknown);

        state[TopicKey].ShouldBe(Id("T"));
    }

    // Rooms/fragments/v2-state-res: ties in the mainline ordering (same closest mainline event) go to the earlier
    // origin_server_ts, then the smaller event ID; the event applied last wins its key.
    [Theory]
    [MemberData(nameof(Versions))]
    public void Topics_at_the_same_mainline_position_are_ordered_by_timestamp_then_event_id(string version)
    {
        var byTimestamp = Room(version);
        byTimestamp.Add("TLATE", Alice, EventTypes.Topic, "", new JsonObject { ["topic"] = "late" }, ["IMZ"], ts: 200);
        byTimestamp.Add("TEARLY", Alice, EventTypes.Topic, "", new JsonObject { ["topic"] = "early" }, ["IMZ"], ts: 100);
        byTimestamp.Resolve("TLATE", "TEARLY")[TopicKey].ShouldBe(Id("TLATE"));

        var byId = Room(version);
        byId.Add("TZ", Alice, EventTypes.Topic, "", new JsonObject { ["topic"] = "z" }, ["IMZ"], ts: 100);
        byId.Add("TA", Alice, EventTypes.Topic, "", new JsonObject { ["topic"] = "a" }, ["IMZ"], ts: 100);
        byId.Resolve("TA", "TZ")[TopicKey].ShouldBe(Id("TZ"));
    }

    // The reverse topological power ordering breaks ties between power events of equal sender power the same way.
    [Theory]
    [MemberData(nameof(Versions))]
    public void Power_events_of_equal_sender_power_are_ordered_by_timestamp_then_event_id(string version)
    {
        var byTimestamp = Room(version);
        byTimestamp.Add("JLATE", Alice, EventTypes.JoinRules, "", new JsonObject { ["join_rule"] = "invite" }, ["IMZ"], ts: 200);
        byTimestamp.Add("JEARLY", Alice, EventTypes.JoinRules, "", new JsonObject { ["join_rule"] = "knock" }, ["IMZ"], ts: 100);
        byTimestamp.Resolve("JEARLY", "JLATE")[JoinRulesKey].ShouldBe(Id("JLATE"));

        var byId = Room(version);
        byId.Add("JZ", Alice, EventTypes.JoinRules, "", new JsonObject { ["join_rule"] = "invite" }, ["IMZ"], ts: 100);
        byId.Add("JA", Alice, EventTypes.JoinRules, "", new JsonObject { ["join_rule"] = "knock" }, ["IMZ"], ts: 100);
        byId.Resolve("JZ", "JA")[JoinRulesKey].ShouldBe(Id("JZ"));
    }
}
