using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Tests.Identifiers;

public class IdentifierGrammarTests
{
    [Theory]
    [InlineData("@a:example.com:8448", "example.com:8448")]
    [InlineData("!room:example.com", "example.com")]
    [InlineData("$e1:example.com", "example.com")]
    public void The_domain_is_everything_after_the_first_colon(string id, string domain) =>
        IdentifierGrammar.Domain(id).ShouldBe(domain);

    [Fact]
    public void Hash_form_ids_have_no_domain() =>
        IdentifierGrammar.Domain("$opaquehash").ShouldBeNull();
}
