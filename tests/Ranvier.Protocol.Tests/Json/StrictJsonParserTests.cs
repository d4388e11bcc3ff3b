using System.Text;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Tests.Json;

public class StrictJsonParserTests
{
    private static JsonParseError ParseError(string json, JsonParseOptions? options = null) => ParseError(Encoding.UTF8.GetBytes(json), options);

    private static JsonParseError ParseError(byte[] json, JsonParseOptions? options = null)
    {
        StrictJsonParser.TryParse(json, out var result, out var error, options).ShouldBeFalse();
        result.ShouldBeNull();
        return error!;
    }

    [Fact]
    public void Parses_a_well_formed_object()
    {
        var obj = StrictJsonParser.Parse("{\"a\":[1,\"x\",null,true,{\"b\":-9007199254740991}]}");
        obj["a"]!.AsArray().Count.ShouldBe(5);
        obj["a"]![4]!["b"]!.GetValue<long>().ShouldBe(-9007199254740991);
        obj["a"]![2].ShouldBeNull();
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", JsonParseErrorKind.DuplicateKey)]
    [InlineData("{\"o\":{\"a\":1,\"a\":1}}", JsonParseErrorKind.DuplicateKey)]
    [InlineData("{\"a\":1.5}", JsonParseErrorKind.NotAnInteger)]
    [InlineData("{\"a\":1e3}", JsonParseErrorKind.NotAnInteger)]
    [InlineData("{\"a\":1.0}", JsonParseErrorKind.NotAnInteger)]
    [InlineData("{\"a\":9007199254740992}", JsonParseErrorKind.IntegerOutOfRange)]
    [InlineData("{\"a\":-9007199254740992}", JsonParseErrorKind.IntegerOutOfRange)]
    [InlineData("{\"a\":99999999999999999999999}", JsonParseErrorKind.IntegerOutOfRange)]
    [InlineData("{\"a\":\"\\ud800\"}", JsonParseErrorKind.LoneSurrogate)]
    [InlineData("{\"\\udc00x\":1}", JsonParseErrorKind.LoneSurrogate)]
    [InlineData("[1]", JsonParseErrorKind.NotAnObject)]
    [InlineData("\"s\"", JsonParseErrorKind.NotAnObject)]
    [InlineData("{\"a\":1} {}", JsonParseErrorKind.Syntax)]
    [InlineData("{\"a\":1,}", JsonParseErrorKind.Syntax)]
    [InlineData("{\"a\":01}", JsonParseErrorKind.Syntax)]
    [InlineData("{\"a\":NaN}", JsonParseErrorKind.Syntax)]
    [InlineData("{/*c*/}", JsonParseErrorKind.Syntax)]
    [InlineData("{\"a\":", JsonParseErrorKind.Syntax)]
    [InlineData("", JsonParseErrorKind.Syntax)]
    public void Refuses_untrusted_input_with_a_typed_reason(string json, JsonParseErrorKind kind)
    {
        var error = ParseError(json);
        if (json.Length == 0)
        {
            // An empty body fails before any token: reported as not-an-object or syntax, never thrown.
            error.Kind.ShouldBeOneOf(JsonParseErrorKind.Syntax, JsonParseErrorKind.NotAnObject);
            return;
        }

        error.Kind.ShouldBe(kind);
    }

    [Fact]
    public void Refuses_invalid_utf8() =>
        ParseError([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']).Kind.ShouldBe(JsonParseErrorKind.InvalidUtf8);

    [Fact]
    public void Surrogate_pairs_written_as_escapes_are_accepted() =>
        StrictJsonParser.Parse("{\"a\":\"\\ud83d\\ude00\"}")["a"]!.GetValue<string>().ShouldBe("\U0001F600");

    [Fact]
    public void Nesting_is_limited_by_the_configured_depth()
    {
        // An object holding levels-1 nested arrays: 'levels' levels deep.
        static string Nested(int levels) => "{\"a\":" + new string('[', levels - 1) + new string(']', levels - 1) + "}";

        var options = new JsonParseOptions { MaxDepth = 10 };
        StrictJsonParser.TryParse(Encoding.UTF8.GetBytes(Nested(10)), out _, out _, options).ShouldBeTrue();
        ParseError(Nested(11), options).Kind.ShouldBe(JsonParseErrorKind.TooDeep);
        ParseError(Nested(JsonParseOptions.DefaultMaxDepth + 1)).Kind.ShouldBe(JsonParseErrorKind.TooDeep);
        ParseError(Nested(100_000)).Kind.ShouldBe(JsonParseErrorKind.TooDeep);
    }

    [Fact]
    public void Lenient_mode_keeps_floats_and_big_integers_as_written()
    {
        var obj = StrictJsonParser.Parse("{\"f\":1.5,\"n\":18446744073709551616}", JsonParseOptions.Lenient);
        obj["f"]!.ToJsonString().ShouldBe("1.5");
        obj["n"]!.ToJsonString().ShouldBe("18446744073709551616");
    }

    [Fact]
    public void Lenient_mode_still_refuses_duplicate_keys() =>
        ParseError("{\"a\":1.5,\"a\":2}", JsonParseOptions.Lenient).Kind.ShouldBe(JsonParseErrorKind.DuplicateKey);
}
