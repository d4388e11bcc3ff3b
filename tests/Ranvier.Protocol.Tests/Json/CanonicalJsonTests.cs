using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Tests.Json;

public class CanonicalJsonTests
{
    // Appendices, "Canonical JSON", "Examples": every input/output pair, compared byte for byte.
    [Theory]
    [InlineData("{}", "{}")]
    [InlineData("{\n    \"one\": 1,\n    \"two\": \"Two\"\n}", "{\"one\":1,\"two\":\"Two\"}")]
    [InlineData("{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}", "{\"a\":\"1\",\"b\":\"2\"}")]
    [InlineData("{\"b\":\"2\",\"a\":\"1\"}", "{\"a\":\"1\",\"b\":\"2\"}")]
    [InlineData(
        """{ "auth": { "success": true, "mxid": "@john.doe:example.com", "profile": { "display_name": "John Doe", "three_pids": [ { "medium": "email", "address": "john.doe@example.org" }, { "medium": "msisdn", "address": "123456789" } ] } } }""",
        """{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}""")]
    [InlineData("{\"a\": \"日本語\"}", "{\"a\":\"日本語\"}")]
    [InlineData("{\"本\": 2, \"日\": 1}", "{\"日\":1,\"本\":2}")]
    [InlineData("{\"a\": \"\\u65E5\"}", "{\"a\":\"日\"}")]
    [InlineData("{\"a\": null}", "{\"a\":null}")]
    [InlineData("{\"a\": -0, \"b\": 1e10}", "{\"a\":0,\"b\":10000000000}")]
    public void Spec_examples_are_reproduced_byte_for_byte(string input, string expected)
    {
        var expectedBytes = Encoding.UTF8.GetBytes(expected);
        CanonicalJson.Serialize(JsonNode.Parse(input)).ShouldBe(expectedBytes);
        using var document = JsonDocument.Parse(input);
        CanonicalJson.Serialize(document.RootElement).ShouldBe(expectedBytes);
    }

    [Fact]
    public void Strings_escape_only_what_the_grammar_requires()
    {
        var node = new JsonObject { ["s"] = "q\" b\\ / é \u2028\u2029 \b\t\n\f\r \u0000\u001f\u000b\u007f <>&'" };
        CanonicalJson.SerializeToString(node)
            .ShouldBe("{\"s\":\"q\\\" b\\\\ / é \u2028\u2029 \\b\\t\\n\\f\\r \\u0000\\u001f\\u000b\u007f <>&'\"}");
    }

    [Fact]
    public void Keys_sort_by_code_point_not_by_utf16_unit()
    {
        // U+1F600 (a surrogate pair, D83D DE00) sorts after U+FB01 by code point, before it in UTF-16 order.
        var node = new JsonObject { ["\U0001F600"] = 1, ["\uFB01"] = 2, ["z"] = 3 };
        CanonicalJson.SerializeToString(node).ShouldBe("{\"z\":3,\"\uFB01\":2,\"\U0001F600\":1}");
    }

    [Theory]
    [InlineData(9007199254740991L, true)]
    [InlineData(-9007199254740991L, true)]
    [InlineData(9007199254740992L, false)]
    [InlineData(-9007199254740992L, false)]
    public void Integers_must_fit_the_safe_range(long value, bool allowed)
    {
        var node = new JsonObject { ["n"] = value };
        CanonicalJson.TrySerialize(node, out var bytes, out _).ShouldBe(allowed);
        if (allowed)
        {
            Encoding.UTF8.GetString(bytes!).ShouldBe($"{{\"n\":{value}}}");
        }

        // Room versions 1-5 tolerate larger integers.
        CanonicalJson.Serialize(node, enforceIntegerRange: false).Length.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Huge_integers_keep_their_digits_when_the_range_is_not_enforced()
    {
        var node = StrictJsonParser.Parse("{\"n\":123456789012345678901234567890}", JsonParseOptions.Lenient);
        CanonicalJson.SerializeToString(node, enforceIntegerRange: false).ShouldBe("{\"n\":123456789012345678901234567890}");
        Should.Throw<CanonicalJsonException>(() => CanonicalJson.Serialize(node));
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(1e300)]
    public void Floats_are_refused(double value)
    {
        CanonicalJson.TrySerialize(new JsonObject { ["f"] = value }, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull();
    }

    [Fact]
    public void Whole_valued_doubles_are_written_as_integers() =>
        CanonicalJson.SerializeToString(new JsonObject { ["a"] = 2.0, ["b"] = -0.0, ["c"] = 7m })
            .ShouldBe("{\"a\":2,\"b\":0,\"c\":7}");

    [Fact]
    public void An_unpaired_surrogate_cannot_be_written()
    {
        CanonicalJson.TrySerialize(new JsonObject { ["s"] = "a\ud800b" }, out _, out _).ShouldBeFalse();
        CanonicalJson.TrySerialize(new JsonObject { ["\udc00"] = 1 }, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void Long_non_ascii_strings_are_encoded_across_chunks()
    {
        var text = string.Concat(Enumerable.Repeat("a\U0001F600", 3000));
        var bytes = CanonicalJson.Serialize(new JsonObject { ["s"] = text });
        bytes.ShouldBe(Encoding.UTF8.GetBytes("{\"s\":\"" + text + "\"}"));
    }

    [Fact]
    public void Nesting_beyond_the_writer_limit_is_refused()
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < CanonicalJsonWriter.MaxDepth + 1; i++)
        {
            node = new JsonArray(node);
        }

        CanonicalJson.TrySerialize(node, out _, out _).ShouldBeFalse();
    }
}
