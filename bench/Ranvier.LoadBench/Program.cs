using System.Globalization;
using System.Runtime.InteropServices;

namespace Ranvier.LoadBench;

/// <summary>
/// Load scenarios for /sync (issue 6), run against the real server in this process:
/// <c>dotnet run -c Release --project bench/Ranvier.LoadBench -- [latency|initial|all] [--clients N] [--messages N]
/// [--rate per-second] [--rooms N] [--events N] [--repetitions N]</c>. Figures go to docs/benchmarks.md.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var scenario = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        var clients = Option(args, "--clients", 200);
        var messages = Option(args, "--messages", 100);
        var rate = Option(args, "--rate", 5.0);
        var rooms = Option(args, "--rooms", 100);
        var events = Option(args, "--events", 1000);
        var repetitions = Option(args, "--repetitions", 5);
        if (scenario is not ("latency" or "initial" or "all"))
        {
            await Console.Error.WriteLineAsync("usage: Ranvier.LoadBench [latency|initial|all] [--clients N] [--messages N] [--rate R] [--rooms N] [--events N] [--repetitions N]");
            return 2;
        }

        Console.WriteLine($"Ranvier load bench: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        if (scenario is "latency" or "all")
        {
            Console.WriteLine("send→sync latency");
            await using var server = await BenchServer.StartAsync();
            await new LatencyScenario(server, clients, messages, rate, Console.Out).RunAsync();
        }

        if (scenario is "initial" or "all")
        {
            Console.WriteLine("initial sync");
            await using var server = await BenchServer.StartAsync();
            await new InitialSyncScenario(server, rooms, events, repetitions, Console.Out).RunAsync();
        }

        return 0;
    }

    private static T Option<T>(string[] args, string name, T fallback)
        where T : IParsable<T>
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? T.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
