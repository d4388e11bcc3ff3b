using Ranvier.Server.Http;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Tests.Services.Rooms;

public sealed class TimelineTokenTests
{
    [Theory]
    [InlineData("t0_0", 0L, 0L)]
    [InlineData("t12_345", 12L, 345L)]
    [InlineData("t9223372036854775807_1", long.MaxValue, 1L)]
    public void Topological_tokens_round_trip(string text, long depth, long nid)
    {
        var token = TimelineToken.Parse(text, "from");

        token.Topological.ShouldBe(new TopologicalPosition(depth, nid));
        token.ToString().ShouldBe(text);
    }

    [Fact]
    public void Stream_tokens_round_trip()
    {
        var token = TimelineToken.Parse("s42", "from");

        token.Topological.ShouldBeNull();
        token.StreamPosition.ShouldBe(42);
        token.ToString().ShouldBe("s42");
    }

    [Theory]
    [InlineData("")]
    [InlineData("t")]
    [InlineData("s")]
    [InlineData("t1")]
    [InlineData("t_1")]
    [InlineData("t1_")]
    [InlineData("t-1_2")]
    [InlineData("t1_2_3")]
    [InlineData("s+1")]
    [InlineData("s 1")]
    [InlineData("x1_2")]
    [InlineData("t99999999999999999999_1")]
    public void Malformed_tokens_are_invalid_params(string text)
    {
        var error = Should.Throw<MatrixError>(() => TimelineToken.Parse(text, "to"));

        error.ErrorCode.ShouldBe("M_INVALID_PARAM");
        error.Message.ShouldContain("to");
    }
}
