using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.Tests.Crypto;

namespace Ranvier.Protocol.Tests.Events;

/// <summary>Appendices, "Cryptographic Test Vectors", "Event Signing": both events, byte for byte.</summary>
public class EventSigningVectorTests
{
    private const string MinimalEvent = """
        {"room_id":"!x:domain","sender":"@a:domain","origin":"domain","origin_server_ts":1000000,"signatures":{},
         "hashes":{},"type":"X","content":{},"prev_events":[],"auth_events":[],"depth":3,"unsigned":{"age_ts":1000000}}
        """;

    private const string MinimalSigned = """
        {"auth_events":[],"content":{},"depth":3,"hashes":{"sha256":"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"},
         "origin":"domain","origin_server_ts":1000000,"prev_events":[],"room_id":"!x:domain","sender":"@a:domain",
         "signatures":{"domain":{"ed25519:1":"KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"}},
         "type":"X","unsigned":{"age_ts":1000000}}
        """;

    private const string MessageEvent = """
        {"content":{"body":"Here is the message content"},"event_id":"$0:domain","origin":"domain","origin_server_ts":1000000,
         "type":"m.room.message","room_id":"!r:domain","sender":"@u:domain","signatures":{},"unsigned":{"age_ts":1000000}}
        """;

    private const string MessageSigned = """
        {"content":{"body":"Here is the message content"},"event_id":"$0:domain",
         "hashes":{"sha256":"onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"},"origin":"domain","origin_server_ts":1000000,
         "type":"m.room.message","room_id":"!r:domain","sender":"@u:domain",
         "signatures":{"domain":{"ed25519:1":"Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"}},
         "unsigned":{"age_ts":1000000}}
        """;

    // The vectors predate v11, whose redaction drops 'origin'; every version before it signs identically.
    public static TheoryData<string, string, string> Vectors()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var version in RoomVersions.All.Where(v => v.Redaction != RedactionRules.V11))
        {
            data.Add(version.Id, MinimalEvent, MinimalSigned);
            data.Add(version.Id, MessageEvent, MessageSigned);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Hash_and_sign_reproduces_the_spec_vectors(string versionId, string input, string expected)
    {
        var version = RoomVersions.Find(versionId)!;
        var evt = JsonNode.Parse(input)!.AsObject();

        EventSigning.HashAndSign(evt, version, SpecSigningKey.ServerName, SpecSigningKey.Key);

        CanonicalJson.Serialize(evt).ShouldBe(CanonicalJson.Serialize(JsonNode.Parse(expected)));
        EventSigning.Verify(evt, version, "domain", SpecSigningKey.Key.KeyId, SpecSigningKey.Key.PublicKey.Span).ShouldBe(SignatureCheck.Valid);
        EventHashing.CheckContentHash(evt, version).ShouldBe(ContentHashCheck.Valid);
    }

    [Fact]
    public void The_signature_survives_redaction_but_the_content_hash_does_not()
    {
        var version = RoomVersions.V10;
        var evt = JsonNode.Parse(MessageSigned)!.AsObject();
        var redacted = Redaction.Redact(evt, version);

        redacted["content"]!.AsObject().Count.ShouldBe(0);
        EventSigning.Verify(redacted, version, "domain", SpecSigningKey.Key.KeyId, SpecSigningKey.Key.PublicKey.Span).ShouldBe(SignatureCheck.Valid);
        EventHashing.CheckContentHash(redacted, version).ShouldBe(ContentHashCheck.Mismatch);
    }

    [Fact]
    public void Tampering_with_protected_keys_breaks_the_signature()
    {
        var version = RoomVersions.V10;
        var evt = JsonNode.Parse(MessageSigned)!.AsObject();
        evt["origin_server_ts"] = 1000001;
        EventSigning.Verify(evt, version, "domain", SpecSigningKey.Key.KeyId, SpecSigningKey.Key.PublicKey.Span).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void Content_hash_check_reports_missing_and_changed_hashes()
    {
        var version = RoomVersions.V10;
        var evt = JsonNode.Parse(MessageSigned)!.AsObject();
        evt["content"]!["body"] = "changed";
        EventHashing.CheckContentHash(evt, version).ShouldBe(ContentHashCheck.Mismatch);

        evt.Remove("hashes");
        EventHashing.CheckContentHash(evt, version).ShouldBe(ContentHashCheck.Missing);
    }

    [Fact]
    public void V11_signatures_differ_because_origin_is_no_longer_protected()
    {
        var evt = JsonNode.Parse(MinimalEvent)!.AsObject();
        EventSigning.HashAndSign(evt, RoomVersions.V11, "domain", SpecSigningKey.Key);
        evt["signatures"]!["domain"]!["ed25519:1"]!.GetValue<string>()
            .ShouldNotBe("KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg");

        // 'origin' is outside the v11 signature, so changing it leaves the signature valid.
        evt["origin"] = "elsewhere";
        EventSigning.Verify(evt, RoomVersions.V11, "domain", SpecSigningKey.Key.KeyId, SpecSigningKey.Key.PublicKey.Span).ShouldBe(SignatureCheck.Valid);
    }
}
