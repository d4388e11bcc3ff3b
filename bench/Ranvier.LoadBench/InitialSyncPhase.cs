using System.Diagnostics;

namespace Ranvier.LoadBench;

/// <summary>
/// Initial sync of a user in many full rooms: the reader of the send phase (in every room, each holding
/// <c>--events</c> messages) does GET /sync without <c>since</c> and with <c>timeout=0</c>, <c>--repetitions</c> times,
/// reading each body to its end; then the same with an inline filter that lazy-loads members. Measured: request
/// start to last byte, and the body's size.
/// </summary>
internal sealed class InitialSyncPhase(BenchContext context)
{
    private const string Section = "initial_sync";
    private const string LazyMembersFilter = """{"room":{"state":{"lazy_load_members":true}}}""";

    public async Task RunAsync(SeededRooms seeded, Report report, CancellationToken cancellationToken)
    {
        context.Note($"initial_sync: {context.Options.Repetitions} × 2 initial syncs of a user in {seeded.RoomIds.Count} rooms");
        report.Add(Section, "rooms", "rooms of the user", seeded.RoomIds.Count);
        report.Add(Section, "repetitions", "repetitions", context.Options.Repetitions);
        await MeasureAsync(seeded.Reader, null, string.Empty, string.Empty, report, cancellationToken);
        await MeasureAsync(seeded.Reader, LazyMembersFilter, "lazy_", "lazy-loaded members: ", report, cancellationToken);
    }

    private async Task MeasureAsync(MatrixUser reader, string? filter, string key, string label, Report report, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < context.Options.Repetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var body = await context.Client.SyncBytesAsync(reader, null, 0, filter, cancellationToken);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            bytes = body.Length;
        }

        var summary = LatencySummary.Of(times);
        report.Add(Section, key + "median_ms", label + "median", summary.P50, "ms");
        report.Add(Section, key + "min_ms", label + "min", summary.Min, "ms");
        report.Add(Section, key + "max_ms", label + "max", summary.Max, "ms");
        report.Add(Section, key + "body_kib", label + "body size", bytes / 1024.0, "KiB");
    }
}
