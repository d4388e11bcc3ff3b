using Ranvier.Server.Configuration;

namespace Ranvier.Server.Services.RateLimiting;

/// <summary>
/// A token bucket per key (client IP, user ID): each key may spend <see cref="RateLimit.Burst"/> requests at
/// once, refilled at <see cref="RateLimit.PerSecond"/>. Memory is bounded: a bucket that has refilled is
/// the same as no bucket and is dropped by a sweep (once a minute, or when <c>maxKeys</c> is reached); if
/// the table is still full, the least recently used key goes.
/// </summary>
public sealed class TokenBucketLimiter(RateLimit limit, TimeProvider time, int maxKeys = 100_000)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private DateTimeOffset lastSweep = time.GetUtcNow();

    /// <summary>How many keys are tracked (for tests of the memory bound).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return buckets.Count;
            }
        }
    }

    /// <summary>Spends one request of <paramref name="key"/>; null when allowed, else how long until one is available.</summary>
    public TimeSpan? TryAcquire(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (now - lastSweep >= SweepInterval || (buckets.Count >= maxKeys && !buckets.ContainsKey(key)))
            {
                Sweep(now);
            }

            var bucket = buckets.TryGetValue(key, out var existing) ? existing with { Tokens = Refill(existing, now) } : new Bucket(limit.Burst, now);
            if (bucket.Tokens >= 1)
            {
                buckets[key] = new Bucket(bucket.Tokens - 1, now);
                return null;
            }

            buckets[key] = bucket with { UpdatedAt = now };
            // Rounded up, so a client that waits exactly retry_after_ms finds a request available.
            return TimeSpan.FromMilliseconds(Math.Ceiling((1 - bucket.Tokens) / limit.PerSecond * 1000));
        }
    }

    private double Refill(Bucket bucket, DateTimeOffset now) =>
        Math.Min(limit.Burst, bucket.Tokens + ((now - bucket.UpdatedAt).TotalSeconds * limit.PerSecond));

    private void Sweep(DateTimeOffset now)
    {
        lastSweep = now;
        foreach (var (key, bucket) in buckets)
        {
            if (Refill(bucket, now) >= limit.Burst)
            {
                buckets.Remove(key);
            }
        }

        if (buckets.Count >= maxKeys)
        {
            buckets.Remove(buckets.MinBy(pair => pair.Value.UpdatedAt).Key);
        }
    }

    private sealed record Bucket(double Tokens, DateTimeOffset UpdatedAt);
}
