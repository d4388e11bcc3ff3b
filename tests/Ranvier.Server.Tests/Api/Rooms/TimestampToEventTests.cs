using System.Net;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class TimestampToEventTests : IAsyncLifetime
{
    private readonly ManualTimeProvider time = new();
    private TestHost host = null!;
    private string alice = null!;
    private string bob = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\n", time: time);
        alice = await host.CreateUserWithTokenAsync("alice");
        bob = await host.CreateUserWithTokenAsync("bob");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static string Path(string roomId, string query) =>
        $"/_matrix/client/v1/rooms/{Uri.EscapeDataString(roomId)}/timestamp_to_event?{query}";

    [Fact]
    public async Task Finds_the_nearest_event_in_either_direction()
    {
        var roomId = await host.Client.CreateRoomAsync(alice);
        time.Advance(TimeSpan.FromSeconds(10));
        var first = await host.Client.SendTextAsync(alice, roomId, "first");
        var firstTs = Ms(time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(10));
        var second = await host.Client.SendTextAsync(alice, roomId, "second");

        var forwards = await (await host.Client.GetWithTokenAsync(Path(roomId, $"ts={firstTs + 1}&dir=f"), alice)).ShouldBeOkJsonAsync();
        forwards.GetProperty("event_id").GetString().ShouldBe(second);
        forwards.GetProperty("origin_server_ts").GetInt64().ShouldBe(firstTs + 10_000);

        var backwards = await (await host.Client.GetWithTokenAsync(Path(roomId, $"ts={firstTs + 1}&dir=b"), alice)).ShouldBeOkJsonAsync();
        backwards.GetProperty("event_id").GetString().ShouldBe(first);

        var exact = await (await host.Client.GetWithTokenAsync(Path(roomId, $"ts={firstTs}&dir=f"), alice)).ShouldBeOkJsonAsync();
        exact.GetProperty("event_id").GetString().ShouldBe(first);

        await (await host.Client.GetWithTokenAsync(Path(roomId, $"ts={firstTs + 20_000}&dir=f"), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync(Path(roomId, "ts=1&dir=b"), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Skips_events_the_user_may_not_see()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var change = await host.Client.SetStateAsync(alice, roomId, "m.room.history_visibility", "", """{"history_visibility":"joined"}""");
        time.Advance(TimeSpan.FromSeconds(10));
        await host.Client.SendTextAsync(alice, roomId, "before bob");
        var beforeTs = Ms(time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(10));
        await host.Client.JoinAsync(bob, roomId);

        var seen = await (await host.Client.GetWithTokenAsync(Path(roomId, $"ts={beforeTs}&dir=f"), bob)).ShouldBeOkJsonAsync();
        seen.GetProperty("origin_server_ts").GetInt64().ShouldBe(beforeTs + 10_000, "bob's own join, not alice's earlier message");

        // Backwards, alice's message is skipped; the change to joined was sent under shared history, which bob may read.
        var earlier = await (await host.Client.GetWithTokenAsync(Path(roomId, $"ts={beforeTs}&dir=b"), bob)).ShouldBeOkJsonAsync();
        earlier.GetProperty("event_id").GetString().ShouldBe(change);
    }

    [Theory]
    [InlineData("dir=f", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("ts=1", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("ts=soon&dir=f", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("ts=1&dir=up", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    public async Task Bad_parameters_are_refused(string query, HttpStatusCode status, string errcode)
    {
        var roomId = await host.Client.CreateRoomAsync(alice);

        await (await host.Client.GetWithTokenAsync(Path(roomId, query), alice)).ShouldBeMatrixErrorAsync(status, errcode);
    }

    [Fact]
    public async Task Non_members_are_forbidden()
    {
        var roomId = await host.Client.CreateRoomAsync(alice);

        await (await host.Client.GetWithTokenAsync(Path(roomId, "ts=1&dir=f"), bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }
}
