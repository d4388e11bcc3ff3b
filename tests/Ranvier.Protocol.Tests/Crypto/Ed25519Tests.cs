using Ranvier.Protocol.Crypto;

namespace Ranvier.Protocol.Tests.Crypto;

public class Ed25519Tests
{
    // RFC 8032 section 7.1, TEST 1 (empty message), TEST 2 (one byte) and TEST 3 (two bytes).
    [Theory]
    [InlineData(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData(
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    [InlineData(
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a")]
    public void Rfc8032_vectors_sign_and_verify(string seedHex, string publicHex, string messageHex, string signatureHex)
    {
        var seed = Convert.FromHexString(seedHex);
        var message = Convert.FromHexString(messageHex);
        var expected = Convert.FromHexString(signatureHex);

        Convert.ToHexStringLower(Ed25519.PublicKeyFromSeed(seed)).ShouldBe(publicHex);
        Convert.ToHexStringLower(Ed25519.Sign(seed, message)).ShouldBe(signatureHex);
        var secretKey = Ed25519.SecretKey(seed);
        Convert.ToHexStringLower(secretKey).ShouldBe(seedHex + publicHex);
        var signature = new byte[Ed25519.SignatureSize];
        Ed25519.SignWithSecretKey(secretKey, message, signature);
        Convert.ToHexStringLower(signature).ShouldBe(signatureHex);
        Ed25519.Verify(Convert.FromHexString(publicHex), message, expected).ShouldBeTrue();
    }

    [Fact]
    public void Verify_rejects_a_tampered_message_or_signature()
    {
        var seed = Ed25519.GenerateSeed();
        var publicKey = Ed25519.PublicKeyFromSeed(seed);
        var message = "hello"u8.ToArray();
        var signature = Ed25519.Sign(seed, message);

        Ed25519.Verify(publicKey, "hellp"u8, signature).ShouldBeFalse();
        signature[0] ^= 1;
        Ed25519.Verify(publicKey, message, signature).ShouldBeFalse();
        Ed25519.Verify(publicKey, message, signature.AsSpan(0, 63)).ShouldBeFalse();
    }
}
