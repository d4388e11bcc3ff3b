using System.Text.Json;
using Ranvier.Server.Services.ToDevice;
using Ranvier.Server.Tests.Api.Sync;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.ToDevice;

/// <summary>To-device delivery through GET /sync, end to end.</summary>
public sealed class ToDeviceSyncTests : IAsyncLifetime
{
    private const string Bob = "@bob:example.org";
    private const string BobPhone = "DEVICEBOB";
    private TestHost host = null!;
    private string aliceToken = null!;
    private string bobToken = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\n");
        aliceToken = await host.CreateUserWithTokenAsync("alice");
        bobToken = await host.CreateUserWithTokenAsync("bob");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task SendNumberedAsync(int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            await (await host.SendAsync(aliceToken, $"t{i}", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{"i":{{{i}}}} } }""")).ShouldBeOkJsonAsync();
        }
    }

    private static int[] Numbers(JsonElement sync) =>
        sync.TryGetProperty("to_device", out var toDevice)
            ? [.. toDevice.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("content").GetProperty("i").GetInt32())]
            : [];

    [Fact]
    public async Task Messages_are_delivered_once_acknowledged_and_again_when_the_same_since_is_retried()
    {
        var initial = await host.Client.SyncAsync(bobToken);
        await SendNumberedAsync(0, 2);

        var first = await host.Client.SyncAsync(bobToken, since: initial.NextBatch(), timeout: 0);
        Numbers(first).ShouldBe([0, 1]);
        var sent = first.GetProperty("to_device").GetProperty("events")[0];
        sent.GetProperty("sender").GetString().ShouldBe("@alice:example.org");
        sent.GetProperty("type").GetString().ShouldBe("m.test");

        // The client lost that response and retries from the same token.
        var retried = await host.Client.SyncAsync(bobToken, since: initial.NextBatch(), timeout: 0);
        Numbers(retried).ShouldBe([0, 1]);

        var acknowledged = await host.Client.SyncAsync(bobToken, since: retried.NextBatch(), timeout: 0);
        Numbers(acknowledged).ShouldBeEmpty();
        Numbers(await host.Client.SyncAsync(bobToken, since: initial.NextBatch(), timeout: 0)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_long_poll_wakes_when_a_message_is_sent()
    {
        var initial = await host.Client.SyncAsync(bobToken);
        var polling = host.Client.SyncAsync(bobToken, since: initial.NextBatch(), timeout: 30_000);
        await Task.Yield();

        await SendNumberedAsync(0, 1);

        Numbers(await polling.WaitAsync(TimeSpan.FromSeconds(20))).ShouldBe([0]);
    }

    [Fact]
    public async Task A_capped_sync_is_followed_at_once_by_the_rest()
    {
        var total = ToDeviceSyncContributor.BatchLimit + 5;
        await SendNumberedAsync(0, total);

        var first = await host.Client.SyncAsync(bobToken);
        Numbers(first).Length.ShouldBe(ToDeviceSyncContributor.BatchLimit);

        // The rest lies at or below the token already: a long-polling sync must answer without waiting for news.
        var second = await host.Client.SyncAsync(bobToken, since: first.NextBatch(), timeout: 30_000).WaitAsync(TimeSpan.FromSeconds(20));
        Numbers(second).ShouldBe(Enumerable.Range(ToDeviceSyncContributor.BatchLimit, 5));
        Numbers(await host.Client.SyncAsync(bobToken, since: second.NextBatch(), timeout: 0)).ShouldBeEmpty();
    }
}
