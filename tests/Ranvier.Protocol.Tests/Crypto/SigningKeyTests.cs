using Ranvier.Protocol.Crypto;

namespace Ranvier.Protocol.Tests.Crypto;

public class SigningKeyTests
{
    [Fact]
    public void Key_file_line_round_trips()
    {
        var line = "ed25519 a_AbC1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
        SigningKey.TryParseKeyFileLine(line, out var key, out _).ShouldBeTrue();
        key.KeyId.Value.ShouldBe("ed25519:a_AbC1");
        key.PublicKeyBase64.ShouldBe(SpecSigningKey.Key.PublicKeyBase64);

        // The spec's seed has non-zero trailing bits, so re-encoding normalises its last character.
        key.ToKeyFileLine().ShouldBe("ed25519 a_AbC1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0");
        SigningKey.TryParseKeyFileLine(key.ToKeyFileLine(), out var again, out _).ShouldBeTrue();
        again.PublicKeyBase64.ShouldBe(key.PublicKeyBase64);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ed25519 a_AbC1")]
    [InlineData("curve25519 a_AbC1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1")]
    [InlineData("ed25519 a-b YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1")]
    [InlineData("ed25519 a_AbC1 Zm9v")]
    [InlineData("ed25519 a_AbC1 not*base64")]
    public void Malformed_key_file_lines_are_refused(string line)
    {
        SigningKey.TryParseKeyFileLine(line, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Key_files_hold_one_key_per_line()
    {
        var keys = new[] { SigningKey.Generate(), SigningKey.Generate("abc") };
        var parsed = SigningKey.ParseKeyFile(SigningKey.FormatKeyFile(keys) + "\n");
        parsed.Select(k => k.KeyId).ShouldBe(keys.Select(k => k.KeyId));
        parsed.Select(k => k.PublicKeyBase64).ShouldBe(keys.Select(k => k.PublicKeyBase64));
        Should.Throw<FormatException>(() => SigningKey.ParseKeyFile("ed25519 x\n")).Message.ShouldContain("line 1");
    }

    [Fact]
    public void Generated_keys_use_synapse_style_versions()
    {
        var key = SigningKey.Generate();
        key.KeyId.Version.ShouldMatch("^a_[A-Za-z0-9]{4}$");
        key.KeyId.IsValidServerKeyVersion.ShouldBeTrue();
    }
}
