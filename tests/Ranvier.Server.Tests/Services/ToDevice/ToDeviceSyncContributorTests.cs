using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Services.ToDevice;
using Ranvier.Server.Tests.Api.ToDevice;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Services.ToDevice;

public sealed class ToDeviceSyncContributorTests : IAsyncLifetime
{
    private const string Bob = "@bob:example.org";
    private const string BobPhone = "DEVICEBOB";
    private TestHost host = null!;
    private string aliceToken = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\n");
        aliceToken = await host.CreateUserWithTokenAsync("alice");
        await host.CreateUserWithTokenAsync("bob");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private Task<SyncResponse> SyncAsync(SyncToken? since) => host.Services.SyncToDeviceAsync(Bob, BobPhone, since);

    private async Task SendNumberedAsync(int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            await (await host.SendAsync(aliceToken, $"t{i}", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{"i":{{{i}}} } } }""")).ShouldBeOkJsonAsync();
        }
    }

    private static int[] Numbers(SyncResponse response) => response.ToDevice.Select(e => e!["content"]!["i"]!.GetValue<int>()).ToArray();

    [Fact]
    public async Task Messages_come_in_arrival_order_and_once_acknowledged_never_again()
    {
        await SendNumberedAsync(0, 3);

        var first = await SyncAsync(since: null);
        Numbers(first).ShouldBe([0, 1, 2]);
        first.ToDevice[0]!["sender"]!.GetValue<string>().ShouldBe("@alice:example.org");

        var second = await SyncAsync(first.NextBatch);
        second.ToDevice.ShouldBeEmpty();
        second.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public async Task A_retried_sync_from_the_same_token_gets_the_lost_messages_again()
    {
        await SendNumberedAsync(0, 1);
        var start = await SyncAsync(since: null);
        await SendNumberedAsync(1, 2);

        var lost = await SyncAsync(start.NextBatch);
        Numbers(lost).ShouldBe([1, 2]);

        var retried = await SyncAsync(start.NextBatch);
        Numbers(retried).ShouldBe([1, 2]);
        (await SyncAsync(retried.NextBatch)).ToDevice.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_capped_response_leaves_the_rest_for_the_next_sync_without_losing_any()
    {
        var total = ToDeviceSyncContributor.BatchLimit + 30;
        await SendNumberedAsync(0, total);

        var first = await SyncAsync(since: null);
        Numbers(first).ShouldBe(Enumerable.Range(0, ToDeviceSyncContributor.BatchLimit));

        // next_batch covers the positions of the messages left out; they come anyway.
        var second = await SyncAsync(first.NextBatch);
        Numbers(second).ShouldBe(Enumerable.Range(ToDeviceSyncContributor.BatchLimit, 30));
        second.NextBatch.ShouldBe(first.NextBatch);

        (await SyncAsync(second.NextBatch)).ToDevice.ShouldBeEmpty();
    }

    [Fact]
    public async Task Messages_beyond_the_window_wait_for_a_later_response()
    {
        var contributor = host.Services.GetServices<ISyncContributor>().OfType<ToDeviceSyncContributor>().Single();
        var notifier = host.Services.GetRequiredService<StreamNotifier>();
        var before = notifier.Current;
        await SendNumberedAsync(0, 1);
        var request = new SyncRequest(Bob, BobPhone, Since: null, FullState: false, Filter.Empty, SetPresence: null, IsGuest: false);
        var window = new SyncWindow { Request = request, Upto = before, JoinedRoomIds = new HashSet<string>(), FromScratchRoomIds = new HashSet<string>() };
        var response = new SyncResponse(before);

        await contributor.ContributeAsync(window, response, CancellationToken.None);
        response.ToDevice.ShouldBeEmpty();

        // An acknowledgement up to the earlier window does not touch the message, which it did not carry.
        Numbers(await SyncAsync(before)).ShouldBe([0]);
    }

    [Fact]
    public async Task An_initial_sync_or_another_device_acknowledges_nothing()
    {
        await SendNumberedAsync(0, 1);
        var first = await SyncAsync(since: null);
        await host.Services.SyncToDeviceAsync("@alice:example.org", "DEVICEALICE", first.NextBatch);

        Numbers(await SyncAsync(since: null)).ShouldBe([0]);
    }

    [Fact]
    public async Task Content_is_returned_as_sent()
    {
        await (await host.SendAsync(aliceToken, "t1", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{"emoji":"😀","f":1.5,"nested":{"a":[null,true]} } } }""")).ShouldBeOkJsonAsync();

        var content = (JsonObject)(await SyncAsync(since: null)).ToDevice.ShouldHaveSingleItem()!["content"]!;

        content.ToJsonString().ShouldBe(JsonNode.Parse("""{"emoji":"😀","f":1.5,"nested":{"a":[null,true]}}""")!.ToJsonString());
    }
}
