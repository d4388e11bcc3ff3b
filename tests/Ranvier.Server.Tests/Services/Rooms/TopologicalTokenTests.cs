using Ranvier.Server.Http;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Tests.Services.Rooms;

public sealed class TopologicalTokenTests
{
    [Fact]
    public void A_token_round_trips()
    {
        var position = new TopologicalPosition(12, 345);

        TopologicalToken.Format(position).ShouldBe("t12_345");
        TopologicalToken.Parse("t12_345", "from").ShouldBe(position);
    }

    [Fact]
    public void No_token_is_no_position() => TopologicalToken.Parse(null, "from").ShouldBeNull();

    [Theory]
    [InlineData("")]
    [InlineData("t")]
    [InlineData("t1")]
    [InlineData("t_1")]
    [InlineData("t1_")]
    [InlineData("s1_2")]
    [InlineData("t-1_2")]
    [InlineData("t1_2_3")]
    [InlineData("t99999999999999999999_1")]
    public void Malformed_tokens_are_invalid_params(string token)
    {
        var error = Should.Throw<MatrixError>(() => TopologicalToken.Parse(token, "from"));

        error.ErrorCode.ShouldBe("M_INVALID_PARAM");
    }
}
