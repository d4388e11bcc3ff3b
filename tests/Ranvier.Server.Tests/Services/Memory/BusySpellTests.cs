using Ranvier.Server.Services.Memory;

namespace Ranvier.Server.Tests.Services.Memory;

/// <summary>When the idle trimmer gives memory back: once, at the first quiet period after a busy one.</summary>
public sealed class BusySpellTests
{
    [Fact]
    public void A_quiet_period_after_a_busy_one_ends_the_spell_once()
    {
        var spell = new BusySpell(busyRequests: 100);

        spell.EndsWith(5).ShouldBeFalse("nothing was busy yet");
        spell.EndsWith(500).ShouldBeFalse();
        spell.EndsWith(800).ShouldBeFalse("still busy");
        spell.EndsWith(100).ShouldBeTrue("the threshold itself counts as quiet");
        spell.EndsWith(3).ShouldBeFalse("already trimmed for that spell");
        spell.EndsWith(101).ShouldBeFalse();
        spell.EndsWith(0).ShouldBeTrue();
    }
}
