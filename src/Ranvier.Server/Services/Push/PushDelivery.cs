using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Push;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// The push step of "notify" (docs/ARCHITECTURE.md; spec: client-server API "Server behaviour": new events may cause
/// "a request to the configured push gateway"). One per process. It sleeps until the stream advances
/// (<see cref="StreamNotifier"/>) or a retry falls due (a timer on the injected <see cref="TimeProvider"/>), then runs
/// a round: every HTTP pusher not waiting for a retry gets what it has pending (<see cref="PusherSender"/>), a few
/// pushers at a time. It never polls. Progress lives in the store, so a restarted server carries on where it stopped.
/// </summary>
public sealed partial class PushDelivery(
    IPusherStore pushers,
    PusherSender sender,
    StreamNotifier notifier,
    TimeProvider time,
    ILogger<PushDelivery> logger) : BackgroundService
{
    /// <summary>Gateways are slow compared with the store; a few requests in flight keep one slow gateway from holding up the rest.</summary>
    private const int ParallelPushers = 4;

    private static readonly TimeSpan RetryAfterError = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private long idleAt = -1;
    private long rounds;
    private TaskCompletionSource idled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many rounds have finished.</summary>
    public long CompletedRounds
    {
        get
        {
            lock (gate)
            {
                return rounds;
            }
        }
    }

    /// <summary>
    /// Completes once delivery is parked (waiting for the stream or a retry) after a round that covered stream position
    /// <paramref name="position"/>, with at least <paramref name="minRounds"/> rounds finished. Lets tests and
    /// tools know a push has been attempted without sleeping.
    /// </summary>
    public async Task WhenIdleAsync(long position, long minRounds = 0, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (idleAt >= position && rounds >= minRounds)
                {
                    return;
                }

                next = idled.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var target = notifier.Position;
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            // Only the stored stream wakes delivery; typing (the other half of a sync token) never does.
            var advanced = notifier.WaitBeyondAsync(new SyncToken(target, long.MaxValue), wake.Token);
            DateTimeOffset? due;
            try
            {
                due = await RunRoundAsync(target, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, e);
                due = time.GetUtcNow() + RetryAfterError;
            }

            var wait = due is { } at ? Max(at - time.GetUtcNow(), TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
            var retry = Task.Delay(wait, time, wake.Token);
            MarkIdle(target);
            await Task.WhenAny(advanced, retry);
            await wake.CancelAsync();
            MarkBusy();
        }
    }

    /// <summary>One pass over every HTTP pusher. Returns when the earliest retry is due, or null when none waits.</summary>
    private async Task<DateTimeOffset?> RunRoundAsync(long upto, CancellationToken cancellationToken)
    {
        var states = await pushers.ListStatesAsync(PusherRequest.HttpKind, cancellationToken);
        DateTimeOffset? earliest = null;
        var earliestGate = new Lock();
        await Parallel.ForEachAsync(
            states,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelPushers, CancellationToken = cancellationToken },
            async (state, token) =>
            {
                DateTimeOffset? due;
                try
                {
                    due = await sender.DeliverAsync(state, upto, token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    // A store or build error for one pusher must not starve the others: it is tried again shortly.
                    LogPusherFailed(logger, state.PusherId, e);
                    due = time.GetUtcNow() + RetryAfterError;
                }

                if (due is { } at)
                {
                    lock (earliestGate)
                    {
                        earliest = earliest is { } e && e <= at ? e : at;
                    }
                }
            });
        return earliest;
    }

    private void MarkIdle(long position)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            idleAt = position;
            rounds++;
            wake = idled;
            idled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.SetResult();
    }

    private void MarkBusy()
    {
        lock (gate)
        {
            idleAt = -1;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Error, Message = "A push delivery round failed; retrying shortly")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering the notifications of pusher {PusherId} failed; retrying shortly")]
    private static partial void LogPusherFailed(ILogger logger, long pusherId, Exception exception);
}
