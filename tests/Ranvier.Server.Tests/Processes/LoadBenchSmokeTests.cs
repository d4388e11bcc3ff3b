using System.Text.Json;
using Ranvier.LoadBench;

namespace Ranvier.Server.Tests.Processes;

/// <summary>
/// The load generator of bench/Ranvier.LoadBench run with tiny parameters (<c>--smoke</c>) against a real server process,
/// so it keeps working as the server changes. Only its completeness is checked, never a timing.
/// </summary>
public class LoadBenchSmokeTests
{
    [Fact]
    public async Task A_smoke_run_completes_every_phase_and_ends_with_the_JSON_figures()
    {
        using var output = new StringWriter();
        using var progress = new StringWriter();
        var sendLog = Path.Combine(Directory.CreateTempSubdirectory("ranvier-bench-").FullName, "send.csv");

        var exitCode = await LoadBenchRunner
            .RunAsync(["--smoke", "--server", Path.Combine(AppContext.BaseDirectory, "ranvier.dll"), "--send-log", sendLog], output, progress)
            .WaitAsync(TimeSpan.FromSeconds(120));

        exitCode.ShouldBe(0, progress.ToString());
        var lastLine = output.ToString().TrimEnd().Split('\n')[^1];
        using var figures = JsonDocument.Parse(lastLine);
        var root = figures.RootElement;
        root.GetProperty("send").GetProperty("messages").GetInt64().ShouldBe(3 * 20);
        root.GetProperty("delivery").GetProperty("samples").GetInt64().ShouldBe(5 * 5);
        root.GetProperty("delivery").GetProperty("missing").GetInt64().ShouldBe(0);
        root.GetProperty("initial_sync").GetProperty("body_kib").GetDouble().ShouldBeGreaterThan(0);
        root.GetProperty("login_sync").GetProperty("total_median_ms").GetDouble().ShouldBeGreaterThan(0);
        root.GetProperty("messages").GetProperty("events").GetInt64().ShouldBeGreaterThanOrEqualTo(3 * 20);
        foreach (var rss in new[] { "start", "after_load", "idle" })
        {
            root.GetProperty("rss_mb").GetProperty(rss).GetDouble().ShouldBeGreaterThan(0, rss);
        }

        // --send-log: a header, then one line per PUT in the order they started.
        var lines = await File.ReadAllLinesAsync(sendLog);
        lines[0].ShouldBe("start_unix_ms,latency_ms");
        var sends = lines[1..].Select(l => l.Split(',')).ToList();
        sends.Count.ShouldBe(3 * 20);
        sends.Select(f => long.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture)).ShouldBeInOrder();
        sends.ShouldAllBe(f => double.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Directory.Delete(Path.GetDirectoryName(sendLog)!, recursive: true);
    }
}
