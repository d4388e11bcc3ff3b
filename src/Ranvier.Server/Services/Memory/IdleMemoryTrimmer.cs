using System.Runtime;
using System.Runtime.InteropServices;
using Ranvier.Storage;

namespace Ranvier.Server.Services.Memory;

/// <summary>
/// Gives memory back to the system when a busy spell is over. The garbage collector keeps the heap it grew under load
/// for as long as nothing allocates, and an idle server allocates almost nothing, so a server that once had a burst
/// would keep its peak size for good. Every <see cref="Period"/> this looks at how many requests arrived: after a
/// period with more than <see cref="BusyRequests"/> of them, the first period with fewer empties the store's page
/// caches and the server's own (<see cref="IReleasesMemory"/>) and runs one compacting, decommitting collection.
/// Long-polling clients (one request per 30 s each) keep a small server below the threshold without making it look
/// busy.
/// </summary>
internal sealed partial class IdleMemoryTrimmer(
    RequestActivity activity, IRanvierStore store, IEnumerable<IReleasesMemory> caches, TimeProvider time, ILogger<IdleMemoryTrimmer> logger)
    : BackgroundService
{
    /// <summary>How often the request count is looked at.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(20);

    /// <summary>Requests per period above which the server counts as busy.</summary>
    public const long BusyRequests = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        var spell = new BusySpell(BusyRequests);
        var last = activity.Count;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = activity.Count;
                if (spell.EndsWith(now - last))
                {
                    await TrimAsync(stoppingToken).ConfigureAwait(false);
                }

                last = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        var before = Environment.WorkingSet;
        await store.ReleaseMemoryAsync(cancellationToken).ConfigureAwait(false);
        foreach (var cache in caches)
        {
            cache.ReleaseMemory();
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            // Native memory freed by SQLite, Kestrel and the runtime stays in glibc's arenas until trimmed.
            MallocTrim(0);
        }

        LogTrimmed(logger, before >> 20, Environment.WorkingSet >> 20, GC.GetGCMemoryInfo().HeapSizeBytes >> 20);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [LoggerMessage(Level = LogLevel.Information, Message = "The load is over: memory trimmed from {BeforeMiB} MiB to {AfterMiB} MiB (managed heap {HeapMiB} MiB)")]
    private static partial void LogTrimmed(ILogger logger, long beforeMiB, long afterMiB, long heapMiB);
}

/// <summary>
/// Tells, period by period, when a busy spell ends: the first period with at most <c>busyRequests</c> requests after
/// one with more.
/// </summary>
public sealed class BusySpell(long busyRequests)
{
    private bool _busy;

    /// <summary>Takes one period's request count; true when it ends a busy spell.</summary>
    public bool EndsWith(long requests)
    {
        if (requests > busyRequests)
        {
            _busy = true;
            return false;
        }

        var ended = _busy;
        _busy = false;
        return ended;
    }
}

/// <summary>Counts requests (one increment per request, from the first middleware) for <see cref="IdleMemoryTrimmer"/>.</summary>
public sealed class RequestActivity
{
    private long _count;

    /// <summary>Requests seen since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Seen() => Interlocked.Increment(ref _count);
}
