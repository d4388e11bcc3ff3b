namespace Ranvier.Server.Tests.Infrastructure;

/// <summary>
/// A clock that moves only when a test advances it. Its timers (and so <c>Task.Delay(…, time)</c>) fire when
/// <see cref="Advance"/> passes their due time, on the thread that advances; a zero due time fires at once.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public void Advance(TimeSpan by) => Move(by, jump: false);

    /// <summary>
    /// Moves the clock by <paramref name="by"/> at once, then fires the timers that fell due, in due order, all seeing
    /// the new time (a machine waking from suspend). Use it when the work a timer starts must see the final time:
    /// with <see cref="Advance"/> that work runs while the clock is still moving through later timers.
    /// </summary>
    public void Jump(TimeSpan by) => Move(by, jump: true);

    private void Move(TimeSpan by, bool jump)
    {
        DateTimeOffset target;
        lock (gate)
        {
            target = now + by;
            if (jump)
            {
                now = target;
            }
        }

        // Fire due timers in due order, the clock standing at each one's time as it fires.
        while (true)
        {
            ManualTimer? next;
            lock (gate)
            {
                next = timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    now = target;
                    return;
                }

                if (next.DueAt > now)
                {
                    now = next.DueAt;
                }

                next.Rearm(now);
            }

            next.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner.gate)
            {
                owner.timers.Remove(this);
                this.period = period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                if (dueTime > TimeSpan.Zero)
                {
                    DueAt = owner.now + dueTime;
                    owner.timers.Add(this);
                    return true;
                }

                Rearm(owner.now);
            }

            ThreadPool.QueueUserWorkItem(_ => Fire());
            return true;
        }

        /// <summary>Called under the owner's lock as the timer fires: re-queues a periodic timer, drops a one-shot.</summary>
        public void Rearm(DateTimeOffset at)
        {
            owner.timers.Remove(this);
            if (period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
            {
                DueAt = at + period;
                owner.timers.Add(this);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner.gate)
            {
                owner.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
