using System.Net;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Sync;

/// <summary>GET /sync: initial and incremental syncs of joined rooms, long-polling, and the parameters' validation.</summary>
public sealed class SyncBasicsTests : RoomTestBase
{
    [Fact]
    public async Task Initial_sync_shows_a_joined_room_with_its_latest_events_and_the_state_before_them()
    {
        var roomId = await Client.CreateRoomAsync(alice, """{"name":"Lobby"}""");
        var hello = await Client.SendTextAsync(alice, roomId, "hello");

        var sync = await Client.SyncAsync(alice);

        var room = sync.RequireRoom(roomId);
        room.TimelineIds()[^1].ShouldBe(hello);
        room.Timeline().Count(e => e.TryGetProperty("room_id", out var _)).ShouldBe(0);
        // State plus timeline describe the room once: each state entry appears in one of them.
        var stateKeys = room.StateKeys().Concat(room.Timeline().Where(e => e.TryGetProperty("state_key", out _))
            .Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("state_key").GetString()!))).ToList();
        stateKeys.ShouldContain(("m.room.create", ""));
        stateKeys.ShouldContain(("m.room.name", ""));
        stateKeys.ShouldContain(("m.room.member", "@alice:example.org"));
        room.GetProperty("summary").GetProperty("m.joined_member_count").GetInt32().ShouldBe(1);
        SyncTokenShape(sync.NextBatch());
    }

    [Fact]
    public async Task Incremental_sync_returns_only_events_after_the_token()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        await Client.SendTextAsync(alice, roomId, "old");
        var first = await Client.SyncAsync(alice);
        var fresh = await Client.SendTextAsync(alice, roomId, "new");

        var next = await Client.SyncAsync(alice, since: first.NextBatch());

        var room = next.RequireRoom(roomId);
        room.TimelineIds().ShouldBe([fresh]);
        room.GetProperty("timeline").GetProperty("limited").GetBoolean().ShouldBeFalse();
        room.Events("state").ShouldBeEmpty();
        next.NextBatch().ShouldNotBe(first.NextBatch());
    }

    [Fact]
    public async Task A_room_without_news_is_left_out_of_an_incremental_sync()
    {
        var quiet = await Client.CreateRoomAsync(alice);
        var busy = await Client.CreateRoomAsync(alice);
        var first = await Client.SyncAsync(alice);
        await Client.SendTextAsync(alice, busy, "news");

        var next = await Client.SyncAsync(alice, since: first.NextBatch());

        next.Room(quiet).ShouldBeNull();
        next.Room(busy).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_an_event_is_sent()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        var first = await Client.SyncAsync(alice);

        var polling = Client.SyncAsync(alice, since: first.NextBatch(), timeout: 60_000);
        polling.IsCompleted.ShouldBeFalse();
        var sent = await Client.SendTextAsync(alice, roomId, "wake up");

        var woken = await polling.WaitAsync(TimeSpan.FromSeconds(20));
        woken.RequireRoom(roomId).TimelineIds().ShouldBe([sent]);
    }

    [Fact]
    public async Task A_long_poll_is_not_answered_by_another_users_room()
    {
        var alicesRoom = await Client.CreateRoomAsync(alice);
        var bobsRoom = await Client.CreateRoomAsync(bob);
        var first = await Client.SyncAsync(alice);

        var polling = Client.SyncAsync(alice, since: first.NextBatch(), timeout: 60_000);
        await Client.SendTextAsync(bob, bobsRoom, "not for alice");
        polling.IsCompleted.ShouldBeFalse();
        var sent = await Client.SendTextAsync(alice, alicesRoom, "for alice");

        var woken = await polling.WaitAsync(TimeSpan.FromSeconds(20));
        woken.Room(bobsRoom).ShouldBeNull();
        woken.RequireRoom(alicesRoom).TimelineIds().ShouldBe([sent]);
    }

    [Fact]
    public async Task A_timeout_with_nothing_new_returns_an_empty_response_whose_token_still_works()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        var first = await Client.SyncAsync(alice);

        var empty = await Client.SyncAsync(alice, since: first.NextBatch(), timeout: 20);

        empty.TryGetProperty("rooms", out _).ShouldBeFalse();
        SyncTokenShape(empty.NextBatch());
        var sent = await Client.SendTextAsync(alice, roomId, "after the timeout");
        (await Client.SyncAsync(alice, since: empty.NextBatch())).RequireRoom(roomId).TimelineIds().ShouldBe([sent]);
    }

    [Fact]
    public async Task Full_state_sends_every_state_event_again_and_answers_at_once()
    {
        var roomId = await Client.CreateRoomAsync(alice);
        var first = await Client.SyncAsync(alice);

        var full = await Client.SyncAsync(alice, since: first.NextBatch(), fullState: true, timeout: 60_000);

        var room = full.RequireRoom(roomId);
        room.Timeline().ShouldBeEmpty();
        room.StateKeys().ShouldContain(("m.room.create", ""));
        room.StateKeys().ShouldContain(("m.room.member", "@alice:example.org"));
    }

    [Theory]
    [InlineData("since=banana")]
    [InlineData("since=s1")]
    [InlineData("timeout=soon")]
    [InlineData("timeout=-5")]
    [InlineData("set_presence=busy")]
    [InlineData("full_state=yes")]
    [InlineData("filter=%7Bnot%20json")]
    [InlineData("filter=12345")]
    [InlineData("filter=%5B%5D")]
    public async Task Malformed_parameters_are_refused(string query)
    {
        var response = await Client.GetWithTokenAsync($"{RoomClient.V3}/sync?{query}", alice);
        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Sync_requires_an_access_token()
    {
        var response = await Client.GetAsync($"{RoomClient.V3}/sync");
        await response.ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    private static void SyncTokenShape(string token) => token.ShouldMatch("^s[0-9]+_[0-9]+$");
}
