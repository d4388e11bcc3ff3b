namespace Ranvier.Server.Services.Presence;

/// <summary>
/// The presence time-outs waiting to fall due, earliest first. A user is queued again only when their next time-out
/// moves earlier; when it moves later (every sync pushes the offline time-out back) the queued entry fires early,
/// finds nothing to do and queues the real time, so the queue holds about one entry per user.
/// </summary>
internal sealed class PresenceSchedule
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<LiveUser, long> _queue = new();
    private long _waitingUntil = long.MaxValue;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a time-out earlier than the one the timer loop waits for was queued.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public void Add(LiveUser user, long due)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            if (due >= user.ScheduledTs)
            {
                return;
            }

            user.ScheduledTs = due;
            _queue.Enqueue(user, due);
            if (due < _waitingUntil)
            {
                _waitingUntil = due;
                wake = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        wake?.SetResult();
    }

    /// <summary>Dequeues a user whose time-out is due by <paramref name="now"/>, or null.</summary>
    public LiveUser? TakeDue(long now)
    {
        lock (_gate)
        {
            if (!_queue.TryPeek(out var user, out var due) || due > now)
            {
                return null;
            }

            _queue.Dequeue();
            if (user.ScheduledTs == due)
            {
                user.ScheduledTs = long.MaxValue;
            }

            return user;
        }
    }

    /// <summary>The earliest queued time-out; also what the timer loop now waits for.</summary>
    public bool Next(out long due)
    {
        lock (_gate)
        {
            var any = _queue.TryPeek(out _, out due);
            _waitingUntil = any ? due : long.MaxValue;
            return any;
        }
    }
}
