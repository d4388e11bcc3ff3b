using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>Rule 1: m.room.create.</summary>
public class CreateRuleTests
{
    public static TheoryData<string> AllVersions => new(RoomVersions.All.Select(v => v.Id));

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void A_well_formed_create_event_is_allowed(string id)
    {
        var room = TestRoom.Created(RoomVersions.Find(id)!);

        room.Check(room.Create).ShouldBeAllowed();
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Create_with_prev_events_is_rejected(string id)
    {
        var version = RoomVersions.Find(id)!;
        var room = TestRoom.Created(version);

        var bad = Rebuild(room, room.Create, json => json["prev_events"] = version.EventFormat == EventFormat.V1
            ? new JsonArray(new JsonArray("$x:example.com", new JsonObject()))
            : new JsonArray("$x"));

        room.Check(bad).ShouldBeRejectedBy("1.1");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("6")]
    [InlineData("11")]
    public void Create_whose_room_id_is_on_another_server_is_rejected(string id)
    {
        var room = TestRoom.Created(RoomVersions.Find(id)!);

        var bad = Rebuild(room, room.Create, json => json["room_id"] = "!room:elsewhere.test");

        room.Check(bad).ShouldBeRejectedBy("1.2");
    }

    [Fact]
    public void V12_create_with_a_room_id_is_rejected()
    {
        var room = TestRoom.Created(RoomVersions.V12);

        var bad = Rebuild(room, room.Create, json => json["room_id"] = "!whatever");

        room.Check(bad).ShouldBeRejectedBy("1.2");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("12")]
    public void Create_with_an_unknown_room_version_is_rejected(string id)
    {
        var room = TestRoom.Created(RoomVersions.Find(id)!, createContent: new JsonObject { ["room_version"] = "999" });

        room.Check(room.Create).ShouldBeRejectedBy("1.3");
    }

    [Fact]
    public void Create_with_a_non_string_room_version_is_rejected()
    {
        var room = TestRoom.Created(RoomVersions.V9, createContent: new JsonObject { ["room_version"] = 9 });

        room.Check(room.Create).ShouldBeRejectedBy("1.3");
    }

    [Fact]
    public void V10_create_without_creator_is_rejected_but_v11_needs_none()
    {
        var v10 = TestRoom.Created(RoomVersions.V10);
        var withoutCreator = Rebuild(v10, v10.Create, json => json["content"]!.AsObject().Remove("creator"));
        v10.Check(withoutCreator).ShouldBeRejectedBy("1.4");

        var v11 = TestRoom.Created(RoomVersions.V11);
        v11.Create.Content.ContainsKey("creator").ShouldBeFalse();
        v11.Check(v11.Create).ShouldBeAllowedBy("1.4");
    }

    [Theory]
    [InlineData("\"@bob:example.com\"")]
    [InlineData("[\"not-a-user\"]")]
    [InlineData("[5]")]
    [InlineData("[\"@bob\"]")]
    public void V12_create_with_malformed_additional_creators_is_rejected(string value)
    {
        var room = TestRoom.Created(RoomVersions.V12, createContent: new JsonObject { ["additional_creators"] = JsonNode.Parse(value) });

        room.Check(room.Create).ShouldBeRejectedBy("1.4");
    }

    [Fact]
    public void V12_create_with_valid_additional_creators_is_allowed_and_v11_does_not_validate_them()
    {
        var v12 = TestRoom.Created(RoomVersions.V12, createContent: new JsonObject { ["additional_creators"] = new JsonArray(TestRoom.Bob, "@historic_Caps:example.com") });
        v12.Check(v12.Create).ShouldBeAllowedBy("1.5");

        var v11 = TestRoom.Created(RoomVersions.V11, createContent: new JsonObject { ["additional_creators"] = new JsonArray(5) });
        v11.Check(v11.Create).ShouldBeAllowed();
    }

    private static Pdu Rebuild(TestRoom room, Pdu ev, Action<JsonObject> change)
    {
        var json = ev.Json.DeepClone().AsObject();
        change(json);
        return Pdu.Parse(json, room.Version, ev.EventId);
    }
}
