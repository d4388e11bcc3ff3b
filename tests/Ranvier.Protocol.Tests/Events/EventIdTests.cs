using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.Tests.Crypto;

namespace Ranvier.Protocol.Tests.Events;

public class EventIdTests
{
    // A real create event (room version 5, created on jki.re in 2019) as sent over federation; its event
    // ID is known from the live network in both the v3 (standard) and v4+ (URL-safe) encodings.
    private const string RealCreateEvent = """
        {"auth_events": [], "prev_events": [], "type": "m.room.create", "room_id": "!uXDCzlYgCTHtiWCkEx:jki.re",
         "sender": "@erikj:jki.re", "content": {"room_version": "5", "predecessor": {"room_id": "!gdRMqOrTFdOCYHNwOo:half-shot.uk",
         "event_id": "$LP7ROBc4b+cMc1UE9haIz8q5AK2AIW4eJ90FfKLvyZI"}, "creator": "@erikj:jki.re"}, "depth": 1, "prev_state": [],
         "state_key": "", "origin": "jki.re", "origin_server_ts": 1560284621137,
         "hashes": {"sha256": "IX6zuNiJpJPNf70BLleL3HSCpjKeq9Uhu7uUpyDjBmc"},
         "signatures": {"jki.re": {"ed25519:auto": "O4IyFfF2PPtGp5uaDm8t57dZbdh8vc8Q64LgCwvzYRVItAMI0uisfiAFaxkVT7MRpzh6N2QNN5NMRXZKmgPYDA"}},
         "unsigned": {"age": 1321650}}
        """;

    private static JsonObject Real() => JsonNode.Parse(RealCreateEvent)!.AsObject();

    [Fact]
    public void Real_event_has_the_expected_content_hash() =>
        EventHashing.CheckContentHash(Real(), RoomVersions.V5).ShouldBe(ContentHashCheck.Valid);

    [Fact]
    public void V3_event_ids_use_standard_base64() =>
        EventHashing.GetEventId(Real(), RoomVersions.V3).ShouldBe("$RrGxF28UrHLmoASHndYb9Jb/1SFww2ptmtur9INS438");

    [Theory]
    [InlineData("4")]
    [InlineData("5")]
    public void V4_and_later_event_ids_use_url_safe_base64(string version) =>
        EventHashing.GetEventId(Real(), RoomVersions.Find(version)!).ShouldBe("$RrGxF28UrHLmoASHndYb9Jb_1SFww2ptmtur9INS438");

    [Fact]
    public void Unsigned_and_signatures_do_not_change_the_event_id()
    {
        var evt = Real();
        evt["unsigned"] = new JsonObject { ["age"] = 1 };
        evt["signatures"] = new JsonObject();
        evt["content"]!["extra"] = "redactable content is covered only through the content hash";
        EventHashing.GetEventId(evt, RoomVersions.V4).ShouldBe("$RrGxF28UrHLmoASHndYb9Jb_1SFww2ptmtur9INS438");
    }

    [Fact]
    public void V1_event_ids_are_read_from_the_event()
    {
        var evt = new JsonObject { ["event_id"] = "$abc:example.org" };
        EventHashing.GetEventId(evt, RoomVersions.V1).ShouldBe("$abc:example.org");
        EventHashing.TryGetEventId([], RoomVersions.V2, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
    }

    [Fact]
    public void V12_room_id_is_the_create_event_id_with_a_bang()
    {
        var create = JsonNode.Parse("""
            {"type":"m.room.create","state_key":"","sender":"@alice:example.org","content":{"room_version":"12"},
             "auth_events":[],"prev_events":[],"depth":1,"origin_server_ts":1700000000000}
            """)!.AsObject();
        var pdu = PduFactory.HashSignAndCreate(create, RoomVersions.V12, "example.org", SpecSigningKey.Key);

        var roomId = EventHashing.RoomIdFromCreateEvent(create, RoomVersions.V12);
        roomId.IsHash.ShouldBeTrue();
        roomId.Value.ShouldBe("!" + pdu.EventId[1..]);
        pdu.RoomId.ShouldBe(roomId.Value);
        roomId.ShouldBe(RoomId.FromCreateEventId(EventId.Parse(pdu.EventId)));
        Should.Throw<ArgumentException>(() => EventHashing.RoomIdFromCreateEvent(create, RoomVersions.V11));
    }
}
