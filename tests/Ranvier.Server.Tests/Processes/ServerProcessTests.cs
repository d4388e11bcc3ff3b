using System.Net.Http.Json;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Processes;

/// <summary>The real executable: start-up with no configuration, answers over TCP, clean shutdown on signals.</summary>
public class ServerProcessTests
{
    [Theory]
    [InlineData(ServerProcess.Signals.Term)]
    [InlineData(ServerProcess.Signals.Int)]
    public async Task Starts_without_configuration_answers_and_exits_0_on_signal(int signal)
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        var versions = await http.GetFromJsonAsync<JsonElement>("/_matrix/client/versions");
        versions.GetProperty("versions").GetArrayLength().ShouldBeGreaterThan(0);
        server.Output.ShouldContain("config: none (built-in defaults)");
        server.Output.ShouldContain("data: " + Path.Combine(server.Directory.Path, "data"));

        (await server.StopAsync(signal)).ShouldBe(0);
    }

    [Fact]
    public async Task A_port_in_use_fails_with_a_clear_message_and_exit_code_1()
    {
        await using var first = await ServerProcess.StartAsync();
        using var directory = new TempDirectory();
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ranvier.dll") },
            WorkingDirectory = directory.Path,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        info.Environment["RANVIER_LISTEN__PORT"] = first.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await stdout;

        process.ExitCode.ShouldBe(1);
        stderr.ShouldContain("could not listen on 127.0.0.1:" + first.BaseUrl.Port);
    }

    [Fact]
    public async Task A_bad_configuration_fails_fast_with_the_key_named()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "ranvier.yaml");
        await File.WriteAllTextAsync(config, "listen:\n  port: -5\n");
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ranvier.dll"), "--config", config },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        process.ExitCode.ShouldBe(2);
        stderr.ShouldContain("listen.port");
    }

    [Fact]
    public async Task Generate_config_writes_the_documented_sample()
    {
        using var directory = new TempDirectory();
        var target = Path.Combine(directory.Path, "ranvier.yaml");
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ranvier.dll"), "--generate-config", target },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        using var process = System.Diagnostics.Process.Start(info)!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        process.ExitCode.ShouldBe(0);
        (await File.ReadAllTextAsync(target)).ShouldBe(Ranvier.Server.Configuration.SampleConfig.Text);
    }
}
