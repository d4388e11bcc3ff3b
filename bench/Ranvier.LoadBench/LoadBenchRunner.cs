using System.Runtime.InteropServices;

namespace Ranvier.LoadBench;

/// <summary>
/// The load generator of issue 10: gets a homeserver (the local build as a child process, or <c>--url</c>), runs the
/// selected phases over the Client-Server API, prints each phase's figures as table rows and finally one JSON line
/// with all of them. It never judges timings: the exit code is 0 unless a request failed (1), a delivery sample went
/// missing (1) or the command line was wrong (2).
/// </summary>
public static class LoadBenchRunner
{
    /// <summary>Runs the bench; the table and the JSON line go to <paramref name="output"/>, notes and errors to <paramref name="progress"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(progress);
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
            if (options.Url is not null && options.Server is not null)
            {
                throw new ArgumentException("--url and --server exclude each other");
            }

            if (options.Url is null && options.Pid is not null)
            {
                throw new ArgumentException("--pid names the process of a --url server");
            }
        }
        catch (ArgumentException e)
        {
            await progress.WriteLineAsync(e.Message + "\n" + BenchOptions.Usage);
            return 2;
        }

        try
        {
            return await RunAsync(options, output, progress, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or TimeoutException or KeyNotFoundException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await progress.WriteLineAsync("error: " + e.Message);
            return 1;
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        await using IServerUnderTest server = options.Url is null
            ? await LocalServer.StartAsync(options.Server, cancellationToken)
            : new ExistingServer(options.Url, options.Pid);
        using var client = new MatrixClient(server.BaseUrl);
        if (!await client.AnswersVersionsAsync(cancellationToken))
        {
            throw new InvalidOperationException($"no homeserver answers GET /_matrix/client/versions at {server.BaseUrl}");
        }

        var context = new BenchContext(client, options, progress);
        var report = new Report();
        Report.WriteHeader(output);

        report.AddTop("server", "server", await client.ServerVersionAsync(cancellationToken) ?? server.Description);
        report.AddTop("url", "base URL", server.BaseUrl.ToString());
        report.AddTop("cores", "cores (this machine)", Environment.ProcessorCount);
        report.AddTop("os", "operating system", RuntimeInformation.OSDescription);
        report.Add("rss_mb", "start", "RSS at start", ProcessMemory.ResidentMegabytes(server.ProcessId), "MiB");
        report.Flush(output);

        SeededRooms? seeded = null;
        if (options.NeedsSendPhase)
        {
            seeded = await new SendThroughputPhase(context).RunAsync(report, cancellationToken);
            report.Flush(output);
        }

        long missing = 0;
        if (options.Runs("delivery"))
        {
            missing = await new DeliveryLatencyPhase(context).RunAsync(report, cancellationToken);
            report.Flush(output);
        }

        if (seeded is not null && options.Runs("initial_sync"))
        {
            await new InitialSyncPhase(context).RunAsync(seeded, report, cancellationToken);
            report.Flush(output);
        }

        if (seeded is not null && options.Runs("login_sync"))
        {
            await new LoginSyncPhase(context).RunAsync(seeded, report, cancellationToken);
            report.Flush(output);
        }

        if (seeded is not null && options.Runs("messages"))
        {
            await new MessagesPhase(context).RunAsync(seeded, report, cancellationToken);
            report.Flush(output);
        }

        report.Add("rss_mb", "after_load", "RSS after load", ProcessMemory.ResidentMegabytes(server.ProcessId), "MiB");
        double? idle = null;
        if (options.Runs("idle"))
        {
            // The quiet period is the measurement: no requests at all, the long-polls of the delivery phase ended.
            context.Note($"idle: {options.QuietSeconds} s without requests");
            await Task.Delay(TimeSpan.FromSeconds(options.QuietSeconds), cancellationToken);
            idle = ProcessMemory.ResidentMegabytes(server.ProcessId);
        }

        report.Add("rss_mb", "idle", "RSS after the quiet period", idle, "MiB");

        report.AddTop("throttled_responses", "429 responses waited out", client.Throttled);
        report.Flush(output);
        await output.WriteLineAsync(report.ToJsonLine());
        await output.FlushAsync(cancellationToken);
        if (missing > 0)
        {
            await progress.WriteLineAsync($"error: {missing} delivery samples missing");
            return 1;
        }

        return 0;
    }
}
