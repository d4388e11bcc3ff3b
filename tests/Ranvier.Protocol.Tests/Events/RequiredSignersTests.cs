using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Tests.Events;

public class RequiredSignersTests
{
    private static JsonObject Member(string membership, JsonObject? extraContent = null)
    {
        var content = extraContent ?? [];
        content["membership"] = membership;
        return new JsonObject
        {
            ["type"] = "m.room.member",
            ["sender"] = "@joiner:joining.example",
            ["state_key"] = "@joiner:joining.example",
            ["event_id"] = "$abc:origin.example",
            ["content"] = content,
        };
    }

    private static string[] Signers(JsonObject evt, RoomVersion version)
    {
        EventSigning.TryGetRequiredSigners(evt, version, out var servers, out var error).ShouldBeTrue(error);
        return [.. servers.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void The_senders_server_signs_from_v3() => Signers(Member("join"), RoomVersions.V10).ShouldBe(["joining.example"]);

    [Fact]
    public void V1_and_v2_also_need_the_event_id_server()
    {
        Signers(Member("join"), RoomVersions.V1).ShouldBe(["joining.example", "origin.example"]);
        Signers(Member("join"), RoomVersions.V2).ShouldBe(["joining.example", "origin.example"]);
    }

    [Fact]
    public void Restricted_joins_need_the_authorising_server_from_v8()
    {
        var join = Member("join", new JsonObject { ["join_authorised_via_users_server"] = "@admin:resident.example" });
        Signers(join, RoomVersions.V8).ShouldBe(["joining.example", "resident.example"]);
        Signers(join, RoomVersions.V7).ShouldBe(["joining.example"]);
    }

    [Fact]
    public void Third_party_invites_are_exempt_from_the_sender_check()
    {
        var invite = Member("invite", new JsonObject { ["third_party_invite"] = new JsonObject { ["signed"] = new JsonObject() } });
        Signers(invite, RoomVersions.V10).ShouldBeEmpty();
    }

    [Fact]
    public void Malformed_ids_fail_instead_of_requiring_fewer_signatures()
    {
        var badSender = Member("join");
        badSender["sender"] = "not-a-user";
        EventSigning.TryGetRequiredSigners(badSender, RoomVersions.V10, out _, out _).ShouldBeFalse();

        var badAuthoriser = Member("join", new JsonObject { ["join_authorised_via_users_server"] = 5 });
        EventSigning.TryGetRequiredSigners(badAuthoriser, RoomVersions.V9, out _, out _).ShouldBeFalse();

        var hashId = Member("join");
        hashId["event_id"] = "$" + new string('A', 43);
        EventSigning.TryGetRequiredSigners(hashId, RoomVersions.V1, out _, out _).ShouldBeFalse();
    }
}
