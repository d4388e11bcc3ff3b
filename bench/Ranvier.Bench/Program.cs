using BenchmarkDotNet.Running;

namespace Ranvier.Bench;

/// <summary>Micro-benchmarks of the protocol hot paths. Run with e.g. <c>dotnet run -c Release -- --filter '*' --job short</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
