using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Tests.Services.Rooms;

public class RoomTipsTests
{
    private static Pdu Event(string id, string? stateKey = null, string type = "m.room.message", params string[] prev)
    {
        var json = new JsonObject
        {
            ["room_id"] = "!r:test",
            ["sender"] = "@a:test",
            ["type"] = type,
            ["content"] = new JsonObject(),
            ["origin_server_ts"] = 1,
            ["depth"] = 1,
            ["prev_events"] = new JsonArray([.. prev.Select(p => JsonValue.Create(p))]),
            ["auth_events"] = new JsonArray(),
        };
        if (stateKey is not null)
        {
            json["state_key"] = stateKey;
        }

        return Pdu.Parse(json, RoomVersions.V10, id);
    }

    private static PrevEvent Ref(Pdu pdu) => PrevEvent.Of(pdu, RoomVersions.V10);

    [Fact]
    public void Advancing_replaces_the_prev_events_among_the_extremities_and_sets_the_state_key()
    {
        var tip = new RoomTip { Extremities = [Ref(Event("$a")), Ref(Event("$b")), Ref(Event("$c"))] };
        tip.SetState(("m.room.join_rules", ""), null);

        tip.Advance(Event("$d", prev: ["$a", "$c"]), RoomVersions.V10);
        tip.Extremities.Select(e => e.EventId).ShouldBe(["$b", "$d"]);
        tip.TryGetState(("m.room.topic", ""), out _).ShouldBeFalse();

        var rules = Event("$e", "", "m.room.join_rules", "$b", "$d");
        tip.Advance(rules, RoomVersions.V10);
        tip.Extremities.Select(e => e.EventId).ShouldBe(["$e"]);
        tip.TryGetState(("m.room.join_rules", ""), out var known).ShouldBeTrue();
        known.ShouldBeSameAs(rules);
    }

    [Fact]
    public void An_unread_tip_stays_unread_and_forgotten_rooms_start_empty()
    {
        var tip = new RoomTip();
        tip.Advance(Event("$a"), RoomVersions.V10);
        tip.Extremities.ShouldBeNull("extremities never read stay unknown rather than partly known");

        var tips = new RoomTips();
        var first = tips.For("!r:test");
        first.SetState(("m.room.create", ""), Event("$c", "", "m.room.create"));
        tips.For("!r:test").ShouldBeSameAs(first);
        tips.Forget("!r:test");
        tips.For("!r:test").TryGetState(("m.room.create", ""), out _).ShouldBeFalse();
        tips.ReleaseMemory();
        tips.Count.ShouldBe(0);
    }
}
