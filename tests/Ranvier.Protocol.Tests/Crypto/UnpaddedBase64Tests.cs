using System.Text;
using Ranvier.Protocol.Crypto;

namespace Ranvier.Protocol.Tests.Crypto;

public class UnpaddedBase64Tests
{
    // Appendices, "Unpadded Base64": the RFC 4648 examples without padding.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "Zg")]
    [InlineData("fo", "Zm8")]
    [InlineData("foo", "Zm9v")]
    [InlineData("foob", "Zm9vYg")]
    [InlineData("fooba", "Zm9vYmE")]
    [InlineData("foobar", "Zm9vYmFy")]
    public void Spec_examples_encode_and_decode(string plain, string encoded)
    {
        UnpaddedBase64.Encode(Encoding.ASCII.GetBytes(plain)).ShouldBe(encoded);
        UnpaddedBase64.Decode(encoded).ShouldBe(Encoding.ASCII.GetBytes(plain));
    }

    [Fact]
    public void Url_safe_uses_minus_and_underscore()
    {
        byte[] data = [0xFB, 0xFF, 0xBF];
        UnpaddedBase64.Encode(data).ShouldBe("+/+/");
        UnpaddedBase64.EncodeUrlSafe(data).ShouldBe("-_-_");
        UnpaddedBase64.DecodeUrlSafe("-_-_").ShouldBe(data);
    }

    [Theory]
    [InlineData("Zg==")]
    [InlineData("Zm8=")]
    public void Padded_input_is_accepted(string padded) => UnpaddedBase64.TryDecode(padded, out _).ShouldBeTrue();

    [Theory]
    [InlineData("Z")]
    [InlineData("Zg=")]
    [InlineData("Zg===")]
    [InlineData("Zm 9v")]
    [InlineData("Zm9v\n")]
    [InlineData("-_-_")]
    [InlineData(null)]
    public void Malformed_standard_input_is_refused(string? text) => UnpaddedBase64.TryDecode(text, out _).ShouldBeFalse();

    [Fact]
    public void Standard_alphabet_is_refused_in_url_safe_input() => UnpaddedBase64.TryDecodeUrlSafe("+/+/", out _).ShouldBeFalse();
}
