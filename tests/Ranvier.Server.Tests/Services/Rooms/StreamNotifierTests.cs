using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Tests.Services.Rooms;

public sealed class StreamNotifierTests
{
    [Fact]
    public async Task Waiters_wake_when_the_position_passes_their_point()
    {
        var notifier = new StreamNotifier();
        var waiting = notifier.WaitBeyondAsync(2, CancellationToken.None);

        notifier.Advance(1);
        waiting.IsCompleted.ShouldBeFalse();
        notifier.Advance(3);

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(3);
    }

    [Fact]
    public async Task A_position_already_passed_returns_at_once_and_positions_never_go_back()
    {
        var notifier = new StreamNotifier();
        notifier.Advance(5);
        notifier.Advance(4);

        notifier.Position.ShouldBe(5);
        (await notifier.WaitBeyondAsync(4, CancellationToken.None)).ShouldBe(5);
    }

    [Fact]
    public async Task Cancellation_ends_the_wait()
    {
        var notifier = new StreamNotifier();
        using var cancel = new CancellationTokenSource();
        var waiting = notifier.WaitBeyondAsync(0, cancel.Token);
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => waiting);
    }
}
