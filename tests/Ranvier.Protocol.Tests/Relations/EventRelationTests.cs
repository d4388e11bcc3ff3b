using System.Text.Json.Nodes;
using Ranvier.Protocol.Relations;

namespace Ranvier.Protocol.Tests.Relations;

public sealed class EventRelationTests
{
    private static JsonObject Content(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void A_thread_relation_is_read_from_content()
    {
        var relation = EventRelation.From("m.room.message", false, Content("""{"body":"x","m.relates_to":{"rel_type":"m.thread","event_id":"$root"}}"""));

        relation.ShouldBe(new EventRelation("$root", "m.thread"));
    }

    [Fact]
    public void A_rich_reply_is_not_a_relation()
    {
        EventRelation.From("m.room.message", false, Content("""{"m.relates_to":{"m.in_reply_to":{"event_id":"$parent"}}}""")).ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"m.relates_to":{"rel_type":"m.reference"}}""")]
    [InlineData("""{"m.relates_to":{"rel_type":"m.reference","event_id":5}}""")]
    [InlineData("""{"m.relates_to":{"rel_type":"m.reference","event_id":"not-an-event"}}""")]
    [InlineData("""{"m.relates_to":{"rel_type":"","event_id":"$e"}}""")]
    [InlineData("""{"m.relates_to":["m.reference"]}""")]
    [InlineData("""{"body":"no relation"}""")]
    public void Relations_that_break_the_schema_are_ignored(string content)
    {
        EventRelation.From("m.room.message", false, Content(content)).ShouldBeNull();
    }

    [Fact]
    public void State_events_are_never_related()
    {
        EventRelation.From("m.room.topic", true, Content("""{"m.relates_to":{"rel_type":"m.reference","event_id":"$e"}}""")).ShouldBeNull();
    }

    [Fact]
    public void An_edit_needs_new_content_unless_it_is_encrypted()
    {
        const string Relates = "\"m.relates_to\":{\"rel_type\":\"m.replace\",\"event_id\":\"$e\"}";

        EventRelation.From("m.room.message", false, Content("{" + Relates + "}")).ShouldBeNull();
        EventRelation.From("m.room.message", false, Content("{\"m.new_content\":{\"body\":\"b\"}," + Relates + "}")).ShouldNotBeNull();
        EventRelation.From("m.room.encrypted", false, Content("{\"ciphertext\":\"c\"," + Relates + "}")).ShouldNotBeNull();
    }

    [Fact]
    public void Unknown_relation_types_are_kept_for_the_relations_api()
    {
        EventRelation.From("org.example", false, Content("""{"m.relates_to":{"rel_type":"org.example.rel","event_id":"$e"}}"""))!.RelType.ShouldBe("org.example.rel");
    }
}
