using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Processes;

/// <summary>
/// Crash safety of the real server: every write the server acknowledged before a SIGKILL is there after a
/// restart. The writes are registrations (user + device + token in one transaction), sent concurrently so
/// the kill lands while commits are in flight.
/// </summary>
public class ServerCrashTests
{
    private const int Writers = 8;
    private const int AcksBeforeKill = 60;

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["RANVIER_REGISTRATION__MODE"] = "open",
        ["RANVIER_PASSWORD_HASHING__ITERATIONS"] = "1",
        ["RANVIER_PASSWORD_HASHING__MEMORY_KIB"] = "64",
        // A load of registrations from one address: far past the default registration rate limit.
        ["RANVIER_RATE_LIMITS__REGISTRATION_PER_IP__BURST"] = "1000000",
    };

    [Fact]
    public async Task Every_acknowledged_registration_survives_SIGKILL()
    {
        using var directory = new TempDirectory();
        var acknowledged = new ConcurrentBag<(string User, string Token)>();
        await using (var server = await ServerProcess.StartAsync(Environment, directory))
        {
            using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            using var enough = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !enough.IsCancellationRequested; i++)
                {
                    var user = $"crash{w}x{i}";
                    try
                    {
                        using var response = await http.PostAsync(
                            "/_matrix/client/v3/register",
                            new StringContent($$$"""{"username":"{{{user}}}","password":"pw","auth":{"type":"m.login.dummy"}}""", Encoding.UTF8, "application/json"));
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            return;
                        }

                        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
                        acknowledged.Add((user, token));
                        if (acknowledged.Count >= AcksBeforeKill)
                        {
                            await enough.CancelAsync();
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // The server is gone: this write was never acknowledged.
                    }
                }
            })).ToArray();

            // Kill as soon as enough writes are acknowledged, with the other writers' requests still in flight.
            await Task.WhenAny(Task.WhenAll(writers), Task.Delay(Timeout.Infinite, enough.Token).ContinueWith(_ => { }, TaskScheduler.Default));
            await server.KillAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        acknowledged.Count.ShouldBeGreaterThanOrEqualTo(AcksBeforeKill);
        await using var restarted = await ServerProcess.StartAsync(Environment, directory);
        using var client = new HttpClient { BaseAddress = restarted.BaseUrl };
        foreach (var (user, token) in acknowledged)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/v3/account/whoami");
            request.Headers.Authorization = new("Bearer", token);
            using var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{user}'s acknowledged registration was lost");
        }

        (await restarted.StopAsync()).ShouldBe(0);
    }
}
