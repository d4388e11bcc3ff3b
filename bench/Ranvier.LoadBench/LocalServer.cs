using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ranvier.LoadBench;

/// <summary>
/// The Ranvier server built in this repository, started as a child process (<c>dotnet ranvier.dll --config …</c>, or the
/// NativeAOT executable) with a temporary data directory, a free port on 127.0.0.1, open registration and rate limits
/// high enough that set-up is never throttled. Disposing kills it and deletes the directory.
/// </summary>
internal sealed class LocalServer : IServerUnderTest
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int KeptOutputLines = 100;
    private readonly Process process;
    private readonly string directory;
    private readonly ConcurrentQueue<string> output = new();

    private LocalServer(Process process, string directory, Uri baseUrl, string path)
    {
        this.process = process;
        this.directory = directory;
        BaseUrl = baseUrl;
        Description = "ranvier (" + path + ")";
    }

    public Uri BaseUrl { get; }

    public int? ProcessId => process.HasExited ? null : process.Id;

    public string Description { get; }

    /// <summary>
    /// Starts the server at <paramref name="serverPath"/> (a <c>ranvier.dll</c>, run with <c>dotnet</c>, or a native
    /// executable from a NativeAOT publish) and returns once GET /_matrix/client/versions answers (polled, at most a minute).
    /// </summary>
    public static async Task<LocalServer> StartAsync(string? serverPath, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(serverPath ?? FindBuiltServer());
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no server at {path}", path);
        }

        var directory = Path.Combine(Path.GetTempPath(), "ranvier-loadbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var config = Path.Combine(directory, "ranvier.yaml");
        await File.WriteAllTextAsync(config, Config(directory, port), cancellationToken);

        var managed = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(managed ? "dotnet" : path)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (managed)
        {
            info.ArgumentList.Add(path);
        }

        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + info.FileName);
        var server = new LocalServer(process, directory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), path);
        // Drain both pipes so the server never blocks on a full one; keep the tail for error messages.
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind is not worth failing the run for.
        }
    }

    /// <summary>
    /// The server's configuration (docs/configuration.md): every rate limit that registration and login pass through
    /// raised far above what the bench sends, since set-up is not what is measured.
    /// </summary>
    private static string Config(string directory, int port) => $"""
        server_name: "localhost:{port.ToString(CultureInfo.InvariantCulture)}"
        data_directory: "{Path.Combine(directory, "data")}"
        listen:
          address: "127.0.0.1"
          port: {port.ToString(CultureInfo.InvariantCulture)}
        registration:
          mode: open
        rate_limits:
          login_per_ip:
            per_second: 10000
            burst: 100000
          login_per_account:
            per_second: 10000
            burst: 100000
          registration_per_ip:
            per_second: 10000
            burst: 100000
        logging:
          level: warning
        """;

    /// <summary>ranvier.dll of a Release build, else a Debug build, under the repository that holds this program.</summary>
    private static string FindBuiltServer()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Ranvier.slnx")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new FileNotFoundException("not inside the Ranvier repository: pass --server PATH or --url URL");
        }

        var candidates = new[] { "Release", "Debug" }
            .Select(configuration => Path.Combine(root.FullName, "src", "Ranvier.Server", "bin", configuration, "net10.0", "ranvier.dll"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("no built server: run `dotnet build -c Release src/Ranvier.Server`, or pass --server PATH");
    }

    /// <summary>A port the system just handed out, released again for the server to bind.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var probe = new MatrixClient(BaseUrl);
        var watch = Stopwatch.StartNew();
        while (!await probe.AnswersVersionsAsync(cancellationToken))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {process.ExitCode} before answering:\n{Tail()}");
            }

            if (watch.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"the server did not answer GET /_matrix/client/versions within {StartTimeout.TotalSeconds} s:\n{Tail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > KeptOutputLines)
        {
            output.TryDequeue(out _);
        }
    }

    private string Tail() => string.Join('\n', output);
}
