namespace Ranvier.Server.Services.Presence;

/// <summary>
/// Runs presence time-outs (spec: "Idle timeout"): sleeps on the injected <see cref="TimeProvider"/> until the next one
/// falls due, or until an earlier one is scheduled; never polls. Restores the stored non-offline users at start-up.
/// </summary>
internal sealed partial class PresenceTimers(PresenceService presence, TimeProvider time, ILogger<PresenceTimers> logger) : BackgroundService
{
    /// <summary>Restores the stored users before the server takes requests, then starts the loop.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await presence.RestoreAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!presence.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the round, so a time-out queued during it still wakes the wait below.
            var changed = presence.ScheduleChanged;
            TimeSpan wait;
            try
            {
                var next = await presence.ApplyDueAsync(stoppingToken).ConfigureAwait(false);
                wait = next is { } due ? Max(due - time.GetUtcNow(), TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRoundFailed(logger, e);
                wait = TimeSpan.FromSeconds(5);
            }

            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(wait, time, sleep.Token);
            await Task.WhenAny(changed, delay).ConfigureAwait(false);
            await sleep.CancelAsync().ConfigureAwait(false);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying presence time-outs failed; retrying shortly")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
