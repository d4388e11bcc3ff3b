using System.Text.Json.Nodes;
using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Tests.Services.Sync;

/// <summary>Filter.event_fields (spec: appendices, "Dot-separated property paths").</summary>
public sealed class EventFieldProjectionTests
{
    [Theory]
    [InlineData("content.body", new[] { "content", "body" })]
    [InlineData(@"content.m\.relates_to", new[] { "content", "m.relates_to" })]
    [InlineData(@"a\\.b", new[] { @"a\", "b" })]
    [InlineData(@"a\b", new[] { @"a\b" })]
    public void Paths_split_on_unescaped_dots(string path, string[] names) =>
        EventFieldProjection.Split(path).ShouldBe(names);

    [Fact]
    public void Only_the_listed_fields_are_kept_and_missing_ones_are_skipped()
    {
        var projection = EventFieldProjection.For(["type", "content.body", "content.missing", "unsigned.age.deeper"])!;
        var source = JsonNode.Parse("""{"type":"m.room.message","sender":"@a:x","content":{"body":"hi","msgtype":"m.text"},"unsigned":{"age":5}}""")!.AsObject();

        projection.Apply(source).ToJsonString().ShouldBe("""{"type":"m.room.message","content":{"body":"hi"}}""");
    }

    [Fact]
    public void No_list_keeps_everything() => EventFieldProjection.For(null).ShouldBeNull();
}
