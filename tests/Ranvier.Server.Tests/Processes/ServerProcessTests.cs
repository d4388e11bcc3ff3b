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
    public async Task Behind_a_trusted_proxy_rate_limits_count_the_forwarded_client()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RANVIER_LISTEN__TRUSTED_PROXIES__0"] = "127.0.0.1",
            ["RANVIER_RATE_LIMITS__LOGIN_PER_IP__BURST"] = "1",
            ["RANVIER_RATE_LIMITS__LOGIN_PER_IP__PER_SECOND"] = "0.001",
        });
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        async Task<System.Net.HttpStatusCode> LoginFromAsync(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/_matrix/client/v3/login")
            {
                Content = new StringContent("{\"type\":\"m.login.password\",\"user\":\"nobody\",\"password\":\"x\"}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        (await LoginFromAsync("203.0.113.1")).ShouldBe(System.Net.HttpStatusCode.Forbidden);
        (await LoginFromAsync("203.0.113.2")).ShouldBe(System.Net.HttpStatusCode.Forbidden);
        (await LoginFromAsync("203.0.113.1")).ShouldBe(System.Net.HttpStatusCode.TooManyRequests);
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
