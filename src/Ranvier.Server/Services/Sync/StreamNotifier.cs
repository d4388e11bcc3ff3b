namespace Ranvier.Server.Services.Sync;

/// <summary>
/// The "notify" step of every write that /sync reports: the highest stream position persisted (room events,
/// account data, receipts, presence, to-device messages all take positions from the store's one global stream),
/// the position of the in-memory typing stream, and a way to wait until either passes a point without polling
/// (what /sync long-polls on).
/// </summary>
/// <remarks>
/// Typing positions are not stored, so they restart with the process; they begin at the start time in
/// milliseconds, which keeps them above any position an earlier run handed out in a sync token.
/// </remarks>
public sealed class StreamNotifier
{
    private readonly Lock _gate = new();
    private long _position;
    private long _typing;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamNotifier()
        : this(TimeProvider.System)
    {
    }

    public StreamNotifier(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _typing = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>The highest stream position announced so far.</summary>
    public long Position
    {
        get
        {
            lock (_gate)
            {
                return _position;
            }
        }
    }

    /// <summary>Both positions now: what a sync computed at this moment may go up to.</summary>
    public SyncToken Current
    {
        get
        {
            lock (_gate)
            {
                return new SyncToken(_position, _typing);
            }
        }
    }

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
            wake = Renew();
        }

        wake.SetResult();
    }

    /// <summary>Takes the next typing position (call it after the typing change is visible) and wakes every waiter.</summary>
    public long AdvanceTyping()
    {
        TaskCompletionSource wake;
        long typing;
        lock (_gate)
        {
            typing = ++_typing;
            wake = Renew();
        }

        wake.SetResult();
        return typing;
    }

    /// <summary>Completes when either position is above the one in <paramref name="after"/>, or when cancelled; returns the positions then.</summary>
    public async Task<SyncToken> WaitBeyondAsync(SyncToken after, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_position > after.Stream || _typing > after.Typing)
                {
                    return new SyncToken(_position, _typing);
                }

                next = _advanced.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private TaskCompletionSource Renew()
    {
        var wake = _advanced;
        _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return wake;
    }
}
