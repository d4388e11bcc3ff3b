using System.CommandLine;
using Ranvier.Server.Configuration;
using Ranvier.Server.Hosting;

namespace Ranvier.Server;

/// <summary>The <c>ranvier</c> executable: parses the command line, loads the configuration and runs the server.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var configOption = new Option<string?>("--config", "-c")
        {
            Description = "Path to ranvier.yaml. Without it the built-in defaults apply (localhost:8008, SQLite under ./data).",
        };
        var generateOption = new Option<string?>("--generate-config")
        {
            Description = "Write the documented sample configuration to this path ('-' for standard output) and exit.",
        };
        var root = new RootCommand("Ranvier, a Matrix homeserver.") { configOption, generateOption };
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(generateOption) is { } target)
            {
                return GenerateConfig(target);
            }

            return await RunAsync(parse.GetValue(configOption), cancellationToken);
        });

        // The host handles SIGINT/SIGTERM itself (graceful drain, exit code 0); System.CommandLine must not race it.
        return root.Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static int GenerateConfig(string target)
    {
        if (target == "-")
        {
            Console.Out.Write(SampleConfig.Text);
            return 0;
        }

        if (File.Exists(target))
        {
            Console.Error.WriteLine($"'{target}' already exists; not overwriting it.");
            return 2;
        }

        File.WriteAllText(target, SampleConfig.Text);
        Console.Error.WriteLine($"Wrote the sample configuration to {Path.GetFullPath(target)}.");
        return 0;
    }

    private static async Task<int> RunAsync(string? configPath, CancellationToken cancellationToken)
    {
        RanvierOptions options;
        try
        {
            options = ConfigLoader.Load(configPath);
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        WebApplication app;
        try
        {
            app = RanvierHost.Build(await RanvierHost.CreateBuilderAsync(options, cancellationToken));
        }
        catch (StartupException e)
        {
            await Console.Error.WriteLineAsync("Ranvier could not start: " + e.Message);
            return 1;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                // Kestrel reports an address in use or a port it may not bind as an IOException.
                await Console.Error.WriteLineAsync($"Ranvier could not listen on {options.ListenAddress}:{options.ListenPort}: {e.Message}");
                return 1;
            }

            RanvierHost.LogStartup(app);
            // SIGINT/SIGTERM: the host stops accepting connections, lets in-flight requests finish (up to the
            // shutdown timeout) and disposes the services, which flushes and closes the store.
            await app.WaitForShutdownAsync(CancellationToken.None);
        }

        return 0;
    }
}
