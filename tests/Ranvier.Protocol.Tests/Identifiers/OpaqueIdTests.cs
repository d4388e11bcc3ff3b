using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Tests.Identifiers;

public class OpaqueIdTests
{
    private const string Hash43 = "Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg";

    [Fact]
    public void Room_ids_with_a_domain_parse()
    {
        var id = RoomId.Parse("!abcDEF:example.org");
        id.Opaque.ShouldBe("abcDEF");
        id.Server!.Value.Host.ShouldBe("example.org");
        id.IsHash.ShouldBeFalse();
    }

    [Fact]
    public void V12_room_ids_have_no_domain()
    {
        var id = RoomId.Parse("!" + Hash43);
        id.IsHash.ShouldBeTrue();
        id.Server.ShouldBeNull();
        RoomId.FromCreateEventId(EventId.Parse("$" + Hash43)).ShouldBe(id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("!")]
    [InlineData("!short")]
    [InlineData("$abc:example.org")]
    [InlineData("!abc:bad_server")]
    [InlineData("!a\0b:example.org")]
    public void Malformed_room_ids_are_rejected(string value) => RoomId.TryParse(value, out _).ShouldBeFalse();

    [Theory]
    [InlineData("$0:domain", false)]
    [InlineData("$CD66HAED5npg6074c6pDtLKalHjVfYb2q4Q3LZgrW6o", true)]
    [InlineData("$" + Hash43, true)]
    [InlineData("$a+b/" + "0123456789012345678901234567890123456789", false)]
    public void Event_ids_parse_in_both_forms(string value, bool isHash)
    {
        EventId.TryParse(value, out var id).ShouldBe(isHash || value.Contains(':'));
        if (id.Value is not null)
        {
            id.IsHash.ShouldBe(isHash);
        }
    }

    [Fact]
    public void Create_event_ids_must_be_hashes_to_name_a_room() =>
        Should.Throw<ArgumentException>(() => RoomId.FromCreateEventId(EventId.Parse("$0:domain")));

    [Fact]
    public void Room_aliases_need_a_server()
    {
        var alias = RoomAlias.Parse("#room:example.org");
        alias.Localpart.ShouldBe("room");
        alias.Server.Value.ShouldBe("example.org");
        RoomAlias.TryParse("#room", out _).ShouldBeFalse();
        RoomAlias.TryParse("!room:example.org", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("ABCDEFGH", true)]
    [InlineData("", false)]
    [InlineData("a\nb", false)]
    public void Device_ids_are_opaque_but_printable(string value, bool valid) =>
        DeviceId.TryParse(value, out _).ShouldBe(valid);

    [Fact]
    public void Key_ids_split_algorithm_and_version()
    {
        var key = KeyId.Parse("ed25519:a_AbC1");
        key.Algorithm.ShouldBe("ed25519");
        key.Version.ShouldBe("a_AbC1");
        key.IsValidServerKeyVersion.ShouldBeTrue();
        KeyId.Parse("ed25519:DEV/ICE").IsValidServerKeyVersion.ShouldBeFalse();
        KeyId.Create("ed25519", "1").ToString().ShouldBe("ed25519:1");
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData(":1")]
    [InlineData("ed25519:")]
    [InlineData("Ed25519:1")]
    [InlineData(null)]
    public void Malformed_key_ids_are_rejected(string? value) => KeyId.TryParse(value, out _).ShouldBeFalse();
}
