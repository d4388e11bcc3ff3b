using System.Text;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using static Ranvier.Protocol.Tests.Auth.TestRoom;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>Invites carrying content.third_party_invite (rule 5.3.1 in v1–v5, 4.3.1 in v6–v7, 4.4.1 in v8–v11, 5.4.1 in v12).</summary>
public class ThirdPartyInviteRuleTests
{
    private const string Token = "tok";

    // The canonical JSON of the signed object below without its signatures (sorted keys, no spaces): written
    // out by hand so the test also pins the canonical encoding the rule uses.
    private const string SignedCanonical = """{"mxid":"@bob:example.com","token":"tok"}""";

    private static readonly byte[] IdentitySeed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] OtherSeed = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static JsonObject Signed(byte[] seed, string mxid = Bob, bool urlSafe = false)
    {
        var message = Encoding.UTF8.GetBytes(SignedCanonical.Replace(Bob, mxid, StringComparison.Ordinal));
        var signature = Base64(Ed25519.Sign(seed, message));
        if (urlSafe)
        {
            signature = signature.Replace('+', '-').Replace('/', '_');
        }

        return new JsonObject
        {
            ["mxid"] = mxid,
            ["token"] = Token,
            ["signatures"] = new JsonObject { ["id.example.org"] = new JsonObject { ["ed25519:0"] = signature } },
        };
    }

    private static TestRoom RoomWithThirdPartyInvite(RoomVersion version, string inviteSender = Alice, bool keyInList = false)
    {
        var room = WithMembers(version, "invite", joined: Carol);
        var publicKey = Base64(Ed25519.PublicKeyFromSeed(IdentitySeed));
        var content = new JsonObject { ["display_name"] = "b...@example.org", ["key_validity_url"] = "https://id.example.org/isvalid" };
        if (keyInList)
        {
            content["public_key"] = Base64(Ed25519.PublicKeyFromSeed(OtherSeed));
            content["public_keys"] = new JsonArray(new JsonObject { ["public_key"] = publicKey });
        }
        else
        {
            content["public_key"] = publicKey;
        }

        room.Set(room.StateEvent(EventTypes.ThirdPartyInvite, inviteSender, Token, content));
        return room;
    }

    private static Pdu Invite(TestRoom room, JsonNode? thirdPartyInvite, string target = Bob, string sender = Alice) =>
        room.Member(target, sender, "invite", new JsonObject { ["third_party_invite"] = thirdPartyInvite });

    private static JsonObject Wrap(JsonObject signed) => new() { ["display_name"] = "Bob", ["signed"] = signed };

    [Theory]
    [InlineData("1", "5.3.1.7")]
    [InlineData("6", "4.3.1.7")]
    [InlineData("8", "4.4.1.7")]
    [InlineData("12", "5.4.1.7")]
    public void An_invite_signed_by_the_identity_servers_key_is_allowed(string id, string rule)
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.Find(id)!);

        room.Check(Invite(room, Wrap(Signed(IdentitySeed)))).ShouldBeAllowedBy(rule);
    }

    [Fact]
    public void A_key_from_the_public_keys_list_and_url_safe_signatures_are_accepted()
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.V10, keyInList: true);

        room.Check(Invite(room, Wrap(Signed(IdentitySeed, urlSafe: true)))).ShouldBeAllowedBy("4.4.1.7");
    }

    [Fact]
    public void A_signature_by_another_key_is_rejected()
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.V10);

        room.Check(Invite(room, Wrap(Signed(OtherSeed)))).ShouldBeRejectedBy("4.4.1.8");
    }

    [Fact]
    public void A_signed_object_altered_after_signing_is_rejected()
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.V10);
        var signed = Signed(IdentitySeed);
        signed["extra"] = "added later";

        room.Check(Invite(room, Wrap(signed))).ShouldBeRejectedBy("4.4.1.8");
    }

    [Fact]
    public void Inviting_a_banned_user_by_third_party_invite_is_rejected()
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.V10);
        room.Set(room.Member(Bob, Alice, "ban"));

        room.Check(Invite(room, Wrap(Signed(IdentitySeed)))).ShouldBeRejectedBy("4.4.1.1");
    }

    [Fact]
    public void A_third_party_invite_without_signed_is_rejected()
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.V10);

        room.Check(Invite(room, new JsonObject { ["display_name"] = "Bob" })).ShouldBeRejectedBy("4.4.1.2");
        room.Check(Invite(room, "not an object")).ShouldBeRejectedBy("4.4.1.2");
    }

    [Fact]
    public void Signed_without_mxid_or_token_is_rejected()
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.V10);
        var signed = Signed(IdentitySeed);
        signed.Remove("token");

        room.Check(Invite(room, Wrap(signed))).ShouldBeRejectedBy("4.4.1.3");
    }

    [Fact]
    public void Signed_for_another_user_is_rejected()
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.V10);

        room.Check(Invite(room, Wrap(Signed(IdentitySeed, mxid: Remote)))).ShouldBeRejectedBy("4.4.1.4");
    }

    [Fact]
    public void A_token_with_no_third_party_invite_event_is_rejected()
    {
        var room = WithMembers(RoomVersions.V10, "invite");

        room.Check(Invite(room, Wrap(Signed(IdentitySeed)))).ShouldBeRejectedBy("4.4.1.5");
    }

    [Fact]
    public void Only_the_sender_of_the_third_party_invite_may_complete_it()
    {
        var room = RoomWithThirdPartyInvite(RoomVersions.V10);

        room.Check(Invite(room, Wrap(Signed(IdentitySeed)), sender: Carol)).ShouldBeRejectedBy("4.4.1.6");
    }

    [Theory]
    [InlineData("1", "7")]
    [InlineData("6", "6")]
    [InlineData("12", "7")]
    public void Sending_m_room_third_party_invite_needs_the_invite_level(string id, string rule)
    {
        var version = RoomVersions.Find(id)!;
        var levels = Created(version).Levels();
        levels["invite"] = 50;
        var room = WithMembers(version, "invite", levels, Bob);

        room.Check(room.StateEvent(EventTypes.ThirdPartyInvite, Bob, "t1")).ShouldBeRejectedBy(rule);
        room.Check(room.StateEvent(EventTypes.ThirdPartyInvite, Alice, "t1")).ShouldBeAllowedBy(rule);
    }
}
