namespace Ranvier.LoadBench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Ranvier.LoadBench -- [--url URL [--pid N]] [--only …] [--smoke] …</c>;
/// see <see cref="BenchOptions.Usage"/> and docs/benchmarks.md.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => LoadBenchRunner.RunAsync(args, Console.Out, Console.Error);
}
