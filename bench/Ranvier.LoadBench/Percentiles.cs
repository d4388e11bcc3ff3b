namespace Ranvier.LoadBench;

/// <summary>Nearest-rank percentiles of a sample.</summary>
internal static class Percentiles
{
    /// <summary>The smallest value with at least <paramref name="percentile"/> % of the sorted sample at or below it; NaN when empty.</summary>
    public static double Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>The usual summary of a latency sample, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max, double Min)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        return new LatencySummary(
            sorted.Count,
            Percentiles.Of(sorted, 50),
            Percentiles.Of(sorted, 90),
            Percentiles.Of(sorted, 99),
            sorted.Count == 0 ? double.NaN : sorted[^1],
            sorted.Count == 0 ? double.NaN : sorted[0]);
    }
}
