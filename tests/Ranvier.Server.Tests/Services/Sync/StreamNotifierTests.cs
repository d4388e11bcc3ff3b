using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Services.Sync;

public sealed class StreamNotifierTests
{
    [Fact]
    public async Task Waiters_wake_when_the_stream_position_passes_their_point()
    {
        var notifier = new StreamNotifier();
        var start = notifier.Current;
        var waiting = notifier.WaitBeyondAsync(start with { Stream = 2 }, CancellationToken.None);

        notifier.Advance(1);
        waiting.IsCompleted.ShouldBeFalse();
        notifier.Advance(3);

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(new SyncToken(3, start.Typing));
    }

    [Fact]
    public async Task A_typing_change_wakes_waiters_without_moving_the_stream()
    {
        var notifier = new StreamNotifier();
        notifier.Advance(7);
        var start = notifier.Current;
        var waiting = notifier.WaitBeyondAsync(start, CancellationToken.None);
        waiting.IsCompleted.ShouldBeFalse();

        var typing = notifier.AdvanceTyping();

        typing.ShouldBe(start.Typing + 1);
        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(new SyncToken(7, typing));
    }

    [Fact]
    public void Typing_positions_start_at_the_start_time_so_they_stay_above_an_earlier_runs()
    {
        var time = new ManualTimeProvider();
        new StreamNotifier(time).Current.Typing.ShouldBe(time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_position_already_passed_returns_at_once_and_positions_never_go_back()
    {
        var notifier = new StreamNotifier();
        notifier.Advance(5);
        notifier.Advance(4);

        notifier.Position.ShouldBe(5);
        (await notifier.WaitBeyondAsync(notifier.Current with { Stream = 4 }, CancellationToken.None)).Stream.ShouldBe(5);
    }

    [Fact]
    public async Task Cancellation_ends_the_wait()
    {
        var notifier = new StreamNotifier();
        using var cancel = new CancellationTokenSource();
        var waiting = notifier.WaitBeyondAsync(notifier.Current, cancel.Token);
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => waiting);
    }
}
