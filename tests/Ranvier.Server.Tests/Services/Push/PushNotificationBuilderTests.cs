using System.Text.Json.Nodes;
using Ranvier.Server.Services.Push;

namespace Ranvier.Server.Tests.Services.Push;

/// <summary>The tweaks and priority of a push (spec: client-server API "Actions", "Tweaks"; push gateway API, <c>prio</c>).</summary>
public sealed class PushNotificationBuilderTests
{
    [Theory]
    [InlineData("""["notify"]""", "{}")]
    [InlineData("""["notify",{"set_tweak":"sound","value":"default"}]""", """{"sound":"default"}""")]
    [InlineData("""["notify",{"set_tweak":"highlight"}]""", """{"highlight":true}""")]
    [InlineData("""["notify",{"set_tweak":"highlight","value":false}]""", """{"highlight":false}""")]
    [InlineData("""["notify",{"set_tweak":"x-custom","value":{"a":1}},{"set_tweak":"valueless"}]""", """{"x-custom":{"a":1}}""")]
    [InlineData("""["notify","dont_notify","coalesce",{"unknown":1}]""", "{}")]
    [InlineData("not json", "{}")]
    [InlineData("""[{"set_tweak":5}]""", "{}")]
    public void Tweaks_are_the_set_tweak_actions(string actions, string tweaks) =>
        PushNotificationBuilder.Tweaks(actions).ToJsonString().ShouldBe(tweaks);

    [Theory]
    [InlineData("m.room.message", "{}", "low")]
    [InlineData("m.room.message", """{"sound":"default"}""", "high")]
    [InlineData("m.room.message", """{"highlight":true}""", "high")]
    [InlineData("m.room.message", """{"highlight":false}""", "low")]
    [InlineData("m.room.encrypted", "{}", "high")]
    [InlineData("m.room.member", "{}", "low")]
    public void Sound_highlight_or_encryption_make_a_push_urgent(string type, string tweaks, string prio) =>
        PushNotificationBuilder.Priority(type, JsonNode.Parse(tweaks)!.AsObject()).ShouldBe(prio);
}
