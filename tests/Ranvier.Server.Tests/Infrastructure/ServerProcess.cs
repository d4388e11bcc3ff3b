using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Ranvier.Server.Tests.Infrastructure;

/// <summary>
/// A real <c>ranvier</c> process on 127.0.0.1 with a free port chosen by the OS, its own data directory,
/// and its console output captured. Ready once the server logs its address; every wait is bounded.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly List<string> output = [];
    private readonly TaskCompletionSource<Uri> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly bool ownsDirectory;

    private ServerProcess(Process process, TempDirectory directory, bool ownsDirectory)
    {
        this.process = process;
        Directory = directory;
        this.ownsDirectory = ownsDirectory;
    }

    public TempDirectory Directory { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join(Environment.NewLine, output);
            }
        }
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>
    /// Starts the server with extra RANVIER_ environment variables and waits until it listens. A given
    /// <paramref name="directory"/> (to restart on the same data) stays the caller's; otherwise one is made and
    /// deleted with the process.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null, TempDirectory? directory = null)
    {
        var ownsDirectory = directory is null;
        directory ??= new TempDirectory();
        var dll = Path.Combine(AppContext.BaseDirectory, "ranvier.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            WorkingDirectory = directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["RANVIER_DATA_DIRECTORY"] = Path.Combine(directory.Path, "data");
        info.Environment["RANVIER_LISTEN__PORT"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process, directory, ownsDirectory);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server.ready.TrySetException(new InvalidOperationException("ranvier exited before listening:\n" + server.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        server.BaseUrl = await server.ready.Task.WaitAsync(StartTimeout);
        return server;
    }

    /// <summary>Sends SIGTERM, as a service manager would, and waits (bounded) for the exit code.</summary>
    public async Task<int> StopAsync(int signal = Signals.Term)
    {
        if (!process.HasExited)
        {
            _ = Kill(process.Id, signal);
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return process.ExitCode;
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
        if (ownsDirectory)
        {
            Directory.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Add(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            ready.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"Ranvier is serving \S+ on (?<url>http://[^\s;,]+)")]
    private static partial Regex ListeningLine();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    /// <summary>POSIX signal numbers (Linux).</summary>
    public static class Signals
    {
        public const int Int = 2;
        public const int Term = 15;
    }
}
