using Ranvier.Server.Configuration;
using Ranvier.Server.Services.RateLimiting;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Services;

public class TokenBucketLimiterTests
{
    private readonly ManualTimeProvider time = new();

    [Fact]
    public void A_burst_is_allowed_then_limited_with_the_wait_until_the_next_request()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(PerSecond: 0.5, Burst: 3), time);

        limiter.TryAcquire("ip").ShouldBeNull();
        limiter.TryAcquire("ip").ShouldBeNull();
        limiter.TryAcquire("ip").ShouldBeNull();

        limiter.TryAcquire("ip").ShouldBe(TimeSpan.FromSeconds(2));
        limiter.TryAcquire("other").ShouldBeNull();
    }

    [Fact]
    public void A_limited_key_recovers_as_time_passes()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(PerSecond: 1, Burst: 2), time);
        limiter.TryAcquire("ip");
        limiter.TryAcquire("ip");
        limiter.TryAcquire("ip").ShouldNotBeNull();

        time.Advance(TimeSpan.FromMilliseconds(500));
        limiter.TryAcquire("ip").ShouldBe(TimeSpan.FromMilliseconds(500));
        time.Advance(TimeSpan.FromMilliseconds(500));
        limiter.TryAcquire("ip").ShouldBeNull();
        limiter.TryAcquire("ip").ShouldNotBeNull();
    }

    [Fact]
    public void Refilled_buckets_are_evicted_by_the_periodic_sweep()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(PerSecond: 1, Burst: 5), time);
        for (var i = 0; i < 50; i++)
        {
            limiter.TryAcquire("ip" + i);
        }

        limiter.Count.ShouldBe(50);
        time.Advance(TimeSpan.FromMinutes(1));
        limiter.TryAcquire("late");

        limiter.Count.ShouldBe(1);
    }

    [Fact]
    public void The_table_never_grows_past_its_bound()
    {
        var limiter = new TokenBucketLimiter(new RateLimit(PerSecond: 0.001, Burst: 1), time, maxKeys: 10);
        for (var i = 0; i < 100; i++)
        {
            limiter.TryAcquire("ip" + i).ShouldBeNull();
        }

        limiter.Count.ShouldBe(10);
        // The newest keys are still tracked (and limited); the least recently used ones were dropped.
        limiter.TryAcquire("ip99").ShouldNotBeNull();
    }
}
