namespace Ranvier.Server.Services.Push;

/// <summary>
/// How delivery to a failing push gateway backs off (spec: push gateway API, "Homeserver behaviour": retry "for a
/// reasonable amount of time using exponential backoff"), and what survives a long outage.
/// </summary>
public static class PushRetry
{
    /// <summary>The wait after the first failure; it doubles with each further one.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts, so a gateway that comes back is used again within this.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A gateway failing for longer than this has a stale backlog: a phone should not ring for day-old messages.
    /// The next attempt keeps only the newest <see cref="KeptAfterOutage"/> notifications.
    /// </summary>
    public static readonly TimeSpan OutageLimit = TimeSpan.FromHours(1);

    /// <summary>How many of the newest notifications are still sent after an outage longer than <see cref="OutageLimit"/>.</summary>
    public const int KeptAfterOutage = 5;

    /// <summary>The wait after <paramref name="failures"/> consecutive failures (1 or more): 1 s, 2 s, 4 s … up to 10 min.</summary>
    public static TimeSpan DelayAfter(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failures);
        // 2^10 s already exceeds the cap, so larger exponents need not be computed.
        var doublings = Math.Min(failures - 1, 10);
        var delay = FirstDelay * (1L << doublings);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
