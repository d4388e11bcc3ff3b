using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Tests.Crypto;

public class JsonSigningTests
{
    private static readonly SigningKey Key = SpecSigningKey.Key;

    // Appendices, "JSON Signing": both vectors.
    [Theory]
    [InlineData("{}", "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ")]
    [InlineData("{\"one\": 1, \"two\": \"Two\"}", "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw")]
    public void Spec_vectors_sign_byte_for_byte(string json, string expected)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        JsonSigning.Sign(obj, SpecSigningKey.ServerName, Key).ShouldBe(expected);
        obj["signatures"]!["domain"]!["ed25519:1"]!.GetValue<string>().ShouldBe(expected);
        JsonSigning.Verify(obj, "domain", Key.KeyId, Key.PublicKey.Span).ShouldBe(SignatureCheck.Valid);
    }

    [Fact]
    public void Unsigned_and_existing_signatures_are_not_covered_and_are_kept()
    {
        var obj = JsonNode.Parse("""{"one":1,"two":"Two","unsigned":{"age":5},"signatures":{"other":{"ed25519:x":"abc"}}}""")!.AsObject();
        JsonSigning.Sign(obj, "domain", Key).ShouldBe("KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw");
        obj["unsigned"]!["age"]!.GetValue<int>().ShouldBe(5);
        obj["signatures"]!["other"]!["ed25519:x"]!.GetValue<string>().ShouldBe("abc");
        JsonSigning.SignatureKeyIds(obj, "domain").ShouldBe(["ed25519:1"]);

        obj["unsigned"] = new JsonObject { ["age"] = 99 };
        JsonSigning.Verify(obj, "domain", Key.KeyId, Key.PublicKey.Span).ShouldBe(SignatureCheck.Valid);
    }

    [Fact]
    public void Verify_reports_why_a_signature_fails()
    {
        var obj = new JsonObject { ["a"] = 1 };
        JsonSigning.Verify(obj, "domain", Key.KeyId, Key.PublicKey.Span).ShouldBe(SignatureCheck.Missing);

        JsonSigning.Sign(obj, "domain", Key);
        JsonSigning.Verify(obj, "elsewhere", Key.KeyId, Key.PublicKey.Span).ShouldBe(SignatureCheck.Missing);
        JsonSigning.Verify(obj, "domain", KeyId.Parse("curve25519:1"), Key.PublicKey.Span).ShouldBe(SignatureCheck.UnsupportedAlgorithm);
        JsonSigning.Verify(obj, "domain", Key.KeyId, SigningKey.Generate().PublicKey.Span).ShouldBe(SignatureCheck.Invalid);

        obj["a"] = 2;
        JsonSigning.Verify(obj, "domain", Key.KeyId, Key.PublicKey.Span).ShouldBe(SignatureCheck.Invalid);

        obj["a"] = 1.5;
        JsonSigning.Verify(obj, "domain", Key.KeyId, Key.PublicKey.Span).ShouldBe(SignatureCheck.NotCanonical);

        JsonSigning.AddSignature(obj, "domain", Key.KeyId, "not base64!");
        JsonSigning.Verify(obj, "domain", Key.KeyId, Key.PublicKey.Span).ShouldBe(SignatureCheck.Malformed);
    }
}
