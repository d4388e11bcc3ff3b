using Ranvier.Server.Services.Push;

namespace Ranvier.Server.Tests.Services.Push;

public sealed class PushRetryTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(9, 256)]
    [InlineData(10, 512)]
    [InlineData(11, 600)]
    [InlineData(12, 600)]
    [InlineData(int.MaxValue, 600)]
    public void The_wait_doubles_from_one_second_up_to_ten_minutes(int failures, int seconds) =>
        PushRetry.DelayAfter(failures).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void There_is_no_wait_before_the_first_failure() =>
        Should.Throw<ArgumentOutOfRangeException>(() => PushRetry.DelayAfter(0));
}
