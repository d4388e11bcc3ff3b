namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// The "notify" step of the event path: the highest stream position persisted, and a way to wait until it
/// passes a point without polling (what /sync long-polls on).
/// </summary>
public sealed class StreamNotifier
{
    private readonly Lock _gate = new();
    private long _position;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The highest position announced so far.</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>Announces that everything up to <paramref name="position"/> is committed and wakes every waiter.</summary>
    public void Advance(long position)
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (position <= _position)
            {
                return;
            }

            _position = position;
            wake = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.SetResult();
    }

    /// <summary>Completes when the position is above <paramref name="after"/>, or when cancelled; returns the position then.</summary>
    public async Task<long> WaitBeyondAsync(long after, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_position > after)
                {
                    return _position;
                }

                next = _advanced.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
