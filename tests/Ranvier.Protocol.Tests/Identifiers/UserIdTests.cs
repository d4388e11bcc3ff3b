using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Tests.Identifiers;

public class UserIdTests
{
    [Fact]
    public void Parse_splits_localpart_and_server()
    {
        var id = UserId.Parse("@alice:example.org:8448");
        id.Localpart.ShouldBe("alice");
        id.Server.Host.ShouldBe("example.org");
        id.Server.Port.ShouldBe(8448);
        id.IsCompliant.ShouldBeTrue();
        id.ToString().ShouldBe("@alice:example.org:8448");
    }

    // Appendices, "Historical User IDs": any code point except ':' and NUL, even an empty localpart.
    [Theory]
    [InlineData("@Alice:example.org")]
    [InlineData("@:example.org")]
    [InlineData("@日本語:example.org")]
    [InlineData("@a b\u0001:example.org")]
    public void Historical_user_ids_parse_but_are_not_compliant(string value)
    {
        UserId.TryParse(value, out var id).ShouldBeTrue();
        id.IsCompliant.ShouldBeFalse();
    }

    [Theory]
    [InlineData("alice:example.org")]
    [InlineData("@alice")]
    [InlineData("@alice:")]
    [InlineData("@al\0ice:example.org")]
    [InlineData("@alice:exa mple.org")]
    [InlineData("#alice:example.org")]
    public void Malformed_user_ids_are_rejected(string value)
    {
        UserId.TryParse(value, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
        Should.Throw<FormatException>(() => UserId.Parse(value));
    }

    // xunit cannot carry a lone surrogate through InlineData, so this case stands alone.
    [Fact]
    public void Unpaired_surrogates_are_rejected()
    {
        UserId.TryParse("@al\ud800ice:example.org", out _).ShouldBeFalse();
        UserId.TryParse("@\ud83d\ude00:example.org", out _).ShouldBeTrue();
    }

    [Fact]
    public void The_whole_id_is_limited_to_255_bytes()
    {
        var server = ":example.org";
        var fits = "@" + new string('a', 255 - 1 - server.Length) + server;
        UserId.TryParse(fits, out _).ShouldBeTrue();
        UserId.TryParse("@a" + fits[1..], out _).ShouldBeFalse();

        // Counted in UTF-8 bytes, not characters: 'é' takes two.
        UserId.TryParse("@é" + fits[2..], out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("a.b_c=d-e/f+g9")]
    public void TryCreate_accepts_the_strict_grammar(string localpart)
    {
        UserId.TryCreate(localpart, ServerName.Parse("example.org"), out var id, out _).ShouldBeTrue();
        id.Value.ShouldBe($"@{localpart}:example.org");
    }

    [Theory]
    [InlineData("")]
    [InlineData("Alice")]
    [InlineData("al ice")]
    [InlineData("al#ice")]
    [InlineData("al:ice")]
    public void TryCreate_refuses_what_new_users_may_not_use(string localpart) =>
        UserId.TryCreate(localpart, ServerName.Parse("example.org"), out _, out _).ShouldBeFalse();

    [Fact]
    public void Equality_is_by_value()
    {
        UserId.Parse("@a:b.c").ShouldBe(UserId.Parse("@a:b.c"));
        (UserId.Parse("@a:b.c") == UserId.Parse("@A:b.c")).ShouldBeFalse();
    }
}
