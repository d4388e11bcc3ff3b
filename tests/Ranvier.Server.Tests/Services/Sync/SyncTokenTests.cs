using Ranvier.Server.Services.Rooms;
using Ranvier.Server.Services.Sync;

namespace Ranvier.Server.Tests.Services.Sync;

public sealed class SyncTokenTests
{
    [Fact]
    public void A_token_round_trips_through_its_text()
    {
        var token = new SyncToken(42, 1_700_000_000_123);
        token.ToString().ShouldBe("s42_1700000000123");
        SyncToken.TryParse(token.ToString(), out var parsed).ShouldBeTrue();
        parsed.ShouldBe(token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s42")]
    [InlineData("s_1")]
    [InlineData("s1_")]
    [InlineData("t1_2")]
    [InlineData("s-1_2")]
    [InlineData("s1_2_3")]
    [InlineData("s99999999999999999999_1")]
    public void Anything_else_is_not_a_token(string? text) => SyncToken.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void Messages_accepts_a_sync_token_as_its_stream_position() =>
        TimelineToken.Parse("s42_7", "from").ShouldBe(TimelineToken.OfStream(42));
}
