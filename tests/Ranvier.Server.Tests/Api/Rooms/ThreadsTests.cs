using System.Net;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class ThreadsTests : RoomTestBase
{

    private async Task<string> RoomAsync(string preset = "public_chat")
    {
        var roomId = await host.Client.CreateRoomAsync(alice, $$"""{"preset":"{{preset}}"}""");
        await host.Client.InviteAsync(alice, roomId, "@bob:example.org");
        await host.Client.JoinAsync(bob, roomId);
        return roomId;
    }

    [Fact]
    public async Task Thread_root_bundles_latest_event_count_and_participation()
    {
        var roomId = await RoomAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        await host.Client.SendRelatedAsync(bob, roomId, "m.thread", root, "first");
        var latest = await host.Client.SendRelatedAsync(bob, roomId, "m.thread", root, "second");
        var edit = await host.Client.EditAsync(bob, roomId, latest, "second (edited)");

        var asBob = (await host.Client.GetEventAsync(bob, roomId, root)).GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.thread");
        asBob.GetProperty("count").GetInt32().ShouldBe(2);
        asBob.GetProperty("current_user_participated").GetBoolean().ShouldBeTrue();
        var latestEvent = asBob.GetProperty("latest_event");
        latestEvent.GetProperty("event_id").GetString().ShouldBe(latest);
        latestEvent.GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.replace").GetProperty("event_id").GetString().ShouldBe(edit);

        // alice sent the root: she took part too. carol joins later and did not.
        (await host.Client.GetEventAsync(alice, roomId, root)).GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.thread")
            .GetProperty("current_user_participated").GetBoolean().ShouldBeTrue();
        await host.Client.JoinAsync(carol, roomId);
        (await host.Client.GetEventAsync(carol, roomId, root)).GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.thread")
            .GetProperty("current_user_participated").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Threads_list_orders_by_latest_activity_and_filters_participated()
    {
        var roomId = await RoomAsync();
        var first = await host.Client.SendTextAsync(alice, roomId, "first root");
        var second = await host.Client.SendTextAsync(bob, roomId, "second root");
        await host.Client.SendTextAsync(alice, roomId, "not a thread");
        await host.Client.SendRelatedAsync(bob, roomId, "m.thread", second, "reply to second");
        await host.Client.SendRelatedAsync(alice, roomId, "m.thread", first, "reply to first");

        var all = await host.Client.GetV1Async(bob, roomId, "/threads");
        all.GetProperty("chunk").EventIds().ShouldBe([first, second]);
        all.GetProperty("chunk")[0].GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.thread").GetProperty("count").GetInt32().ShouldBe(1);
        all.TryGetProperty("next_batch", out _).ShouldBeFalse();

        (await host.Client.GetV1Async(bob, roomId, "/threads?include=participated")).GetProperty("chunk").EventIds().ShouldBe([second]);
        (await host.Client.GetV1Async(alice, roomId, "/threads?include=participated")).GetProperty("chunk").EventIds().ShouldBe([first]);

        var page = await host.Client.GetV1Async(bob, roomId, "/threads?limit=1");
        page.GetProperty("chunk").EventIds().ShouldBe([first]);
        var next = await host.Client.GetV1Async(bob, roomId, $"/threads?limit=1&from={page.GetProperty("next_batch").GetString()}");
        next.GetProperty("chunk").EventIds().ShouldBe([second]);
        next.TryGetProperty("next_batch", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_thread_cannot_start_from_a_related_event()
    {
        var roomId = await RoomAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        var inThread = await host.Client.SendRelatedAsync(bob, roomId, "m.thread", root, "in thread");
        var content = "{\"body\":\"nested\",\"m.relates_to\":{\"rel_type\":\"m.thread\",\"event_id\":\"" + inThread + "\"}}";

        var response = await host.Client.PutJsonAsync($"{RoomClient.Room(roomId)}/send/m.room.message/{RoomClient.NextTxnId()}", content, alice);

        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Fact]
    public async Task Non_members_cannot_list_threads_and_bad_parameters_are_refused()
    {
        var roomId = await RoomAsync("private_chat");

        await (await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + "/threads", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + "/threads?include=mine", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + "/threads?limit=-1", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.GetWithTokenAsync(RelationsClient.RoomV1(roomId) + "/threads?from=x", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_redacted_thread_reply_leaves_the_thread()
    {
        var roomId = await RoomAsync();
        var root = await host.Client.SendTextAsync(alice, roomId, "root");
        var reply = await host.Client.SendRelatedAsync(bob, roomId, "m.thread", root, "only reply");

        await host.Client.RedactAsync(bob, roomId, reply);

        (await host.Client.GetV1Async(alice, roomId, "/threads")).GetProperty("chunk").EventIds().ShouldBeEmpty();
        (await host.Client.GetEventAsync(alice, roomId, root)).GetProperty("unsigned").TryGetProperty("m.relations", out _).ShouldBeFalse();
    }
}
