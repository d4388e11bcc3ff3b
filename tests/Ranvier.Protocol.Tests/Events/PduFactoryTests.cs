using System.Text;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.Tests.Crypto;

namespace Ranvier.Protocol.Tests.Events;

public class PduFactoryTests
{
    private static JsonObject Message(string roomId = "!r:example.org") => new()
    {
        ["type"] = "m.room.message",
        ["room_id"] = roomId,
        ["sender"] = "@alice:example.org",
        ["content"] = new JsonObject { ["body"] = "hello", ["msgtype"] = "m.text" },
        ["prev_events"] = new JsonArray("$prev"),
        ["auth_events"] = new JsonArray("$create", "$member"),
        ["depth"] = 5,
        ["origin_server_ts"] = 1700000000000,
    };

    [Fact]
    public void Hash_form_versions_get_their_computed_event_id()
    {
        var pdu = PduFactory.HashSignAndCreate(Message(), RoomVersions.V10, "example.org", SpecSigningKey.Key);
        pdu.EventId.ShouldBe(EventHashing.GetEventId(pdu.Json, RoomVersions.V10));
        pdu.EventId.Length.ShouldBe(44);
        pdu.PrevEvents.ShouldBe(["$prev"]);
        pdu.Json["hashes"]!["sha256"].ShouldNotBeNull();
        pdu.Json["signatures"]!["example.org"]!["ed25519:1"].ShouldNotBeNull();
    }

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("4")]
    [InlineData("10")]
    [InlineData("11")]
    [InlineData("12")]
    public void Building_signs_and_identifies_an_event_as_the_separate_steps_do(string versionId)
    {
        // HashSignAndCreate serialises the redacted event once for the signature and the reference hash.
        var version = RoomVersions.Find(versionId)!;
        var draft = Message();
        draft["content"]!["format"] = "org.matrix.custom.html";
        if (version.EventFormat == EventFormat.V1)
        {
            draft["event_id"] = "$abc:example.org";
            draft["prev_events"] = new JsonArray();
            draft["auth_events"] = new JsonArray();
        }

        var separate = (JsonObject)draft.DeepClone();
        EventSigning.HashAndSign(separate, version, "example.org", SpecSigningKey.Key);

        var pdu = PduFactory.HashSignAndCreate(draft, version, "example.org", SpecSigningKey.Key);

        pdu.Json.ToJsonString().ShouldBe(separate.ToJsonString());
        pdu.EventId.ShouldBe(EventHashing.GetEventId(separate, version));
        EventSigning.Verify(pdu.Json, version, "example.org", SpecSigningKey.Key.KeyId, SpecSigningKey.Key.PublicKey.Span)
            .ShouldBe(SignatureCheck.Valid);
    }

    [Fact]
    public void V1_events_keep_the_origin_servers_id()
    {
        var draft = Message();
        draft["event_id"] = "$abc:example.org";
        draft["prev_events"] = new JsonArray(new JsonArray("$prev:example.org", new JsonObject { ["sha256"] = "x" }));
        draft["auth_events"] = new JsonArray();
        var pdu = PduFactory.HashSignAndCreate(draft, RoomVersions.V1, "example.org", SpecSigningKey.Key);
        pdu.EventId.ShouldBe("$abc:example.org");
        pdu.PrevEvents.ShouldBe(["$prev:example.org"]);
    }

    [Fact]
    public void Parsing_bytes_applies_the_room_versions_json_strictness()
    {
        var json = Message().ToJsonString().Replace("\"depth\":5", "\"depth\":5.5", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(json);

        PduFactory.TryParse(bytes, RoomVersions.V6, out _, out var strictError).ShouldBeFalse();
        strictError.ShouldContain("NotAnInteger");

        // v5 tolerates the float while parsing, but it still cannot be hashed into an ID: reported, not thrown.
        PduFactory.TryParse(bytes, RoomVersions.V5, out _, out var lenientError).ShouldBeFalse();
        lenientError.ShouldNotBeNull();
    }

    [Fact]
    public void Parsing_bytes_yields_the_same_event_as_building_it()
    {
        var built = PduFactory.HashSignAndCreate(Message(), RoomVersions.V11, "example.org", SpecSigningKey.Key);
        PduFactory.TryParse(Encoding.UTF8.GetBytes(built.Json.ToJsonString()), RoomVersions.V11, out var parsed, out _).ShouldBeTrue();
        parsed.EventId.ShouldBe(built.EventId);
        parsed.Sender.ShouldBe("@alice:example.org");
    }

    [Fact]
    public void Malformed_events_are_reported()
    {
        var evt = Message();
        evt.Remove("sender");
        PduFactory.TryCreate(evt, RoomVersions.V10, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
        Should.Throw<FormatException>(() => PduFactory.Create(evt, RoomVersions.V10));
    }
}
