using System.Text;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;

namespace Ranvier.Protocol.Tests.Auth;

public class AuthHelpersTests
{
    [Fact]
    public void Canonical_json_sorts_keys_drops_whitespace_and_keeps_unicode_raw()
    {
        var node = JsonNode.Parse("""{ "b": [1, {"z": true, "a": null}], "a": "é\n\"\u0001", "c": -5 }""");

        Encoding.UTF8.GetString(AuthCanonicalJson.Encode(node)).ShouldBe("{\"a\":\"é\\n\\\"\\u0001\",\"b\":[1,{\"a\":null,\"z\":true}],\"c\":-5}");
    }

    [Fact]
    public void Canonical_json_refuses_floats()
    {
        Should.Throw<FormatException>(() => AuthCanonicalJson.Encode(JsonNode.Parse("""{"a": 1.5}""")));
    }

    [Theory]
    [InlineData("@alice:example.com", true)]
    [InlineData("@Old_Style!:example.com:8448", true)]
    [InlineData("@:example.com", false)]
    [InlineData("@alice:", false)]
    [InlineData("alice:example.com", false)]
    [InlineData("@alice", false)]
    [InlineData("@al ice:example.com", false)]
    public void User_ids_are_checked_by_the_historical_grammar(string id, bool valid)
    {
        AuthIds.IsUserId(id).ShouldBe(valid);
    }

    [Fact]
    public void The_domain_is_everything_after_the_first_colon()
    {
        AuthIds.Domain("@a:example.com:8448").ShouldBe("example.com:8448");
        AuthIds.Domain("$opaquehash").ShouldBeNull();
    }
}
