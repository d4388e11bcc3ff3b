using System.Text.Json.Nodes;
using Ranvier.Protocol.Push;

namespace Ranvier.Protocol.Tests.Push;

/// <summary>Dot-separated property paths (spec: appendices "Dot-separated property paths").</summary>
public sealed class PropertyPathTests
{
    [Theory]
    [InlineData("content.body", new[] { "content", "body" })]
    [InlineData(@"content.m\.relates_to", new[] { "content", "m.relates_to" })]
    [InlineData(@"content.m\\foo", new[] { "content", @"m\foo" })]
    [InlineData(@"content.\x", new[] { "content", @"\x" })]
    [InlineData("type", new[] { "type" })]
    public void Escapes_are_read_as_the_spec_defines(string path, string[] segments) =>
        PropertyPath.Parse(path).Segments.ShouldBe(segments);

    [Fact]
    public void Resolves_nested_values_and_present_nulls_but_not_through_non_objects()
    {
        var root = JsonNode.Parse("""{"content":{"m.federate":true,"nothing":null,"list":[1]}}""")!.AsObject();

        PropertyPath.Parse(@"content.m\.federate").TryResolve(root, out var federate).ShouldBeTrue();
        federate!.GetValue<bool>().ShouldBeTrue();
        PropertyPath.Parse("content.nothing").TryResolve(root, out var nothing).ShouldBeTrue();
        nothing.ShouldBeNull();
        PropertyPath.Parse("content.missing").TryResolve(root, out _).ShouldBeFalse();
        PropertyPath.Parse("content.list.0").TryResolve(root, out _).ShouldBeFalse();
    }
}
