using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Sync;

/// <summary>Typing notifications, receipts and read markers as clients see them through GET /sync.</summary>
public sealed class SyncEphemeralTests : IAsyncLifetime
{
    private const string AliceId = "@alice:example.org";
    private const string BobId = "@bob:example.org";

    private readonly ManualTimeProvider _time = new();
    private TestHost _host = null!;
    private string _alice = null!;
    private string _bob = null!;
    private string _roomId = null!;
    private string _message = null!;

    private HttpClient Client => _host.Client;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync("server_name: example.org\n", time: _time);
        _alice = await _host.CreateUserWithTokenAsync("alice");
        _bob = await _host.CreateUserWithTokenAsync("bob");
        _roomId = await Client.CreateRoomAsync(_alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(_bob, _roomId);
        _message = await Client.SendTextAsync(_alice, _roomId, "hello");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task PutTypingAsync(string token, string userId, bool typing) =>
        await (await Client.PutJsonAsync($"{RoomClient.Room(_roomId)}/typing/{userId}", $$"""{"typing":{{(typing ? "true" : "false")}},"timeout":20000}""", token))
            .ShouldBeOkJsonAsync();

    private async Task PostReceiptAsync(string token, string type, string eventId) =>
        await (await Client.PostJsonAsync($"{RoomClient.Room(_roomId)}/receipt/{type}/{Uri.EscapeDataString(eventId)}", "{}", token)).ShouldBeOkJsonAsync();

    private IReadOnlyList<JsonElement> Ephemeral(JsonElement sync, string type) =>
        sync.Room(_roomId) is { } room ? [.. room.Events("ephemeral").Where(e => e.GetProperty("type").GetString() == type)] : [];

    private IReadOnlyList<string>? TypingUsers(JsonElement sync) =>
        Ephemeral(sync, "m.typing") is [var typing] ? [.. typing.GetProperty("content").GetProperty("user_ids").EnumerateArray().Select(u => u.GetString()!)] : null;

    [Fact]
    public async Task Typing_appears_and_disappears_when_it_times_out()
    {
        var since = (await Client.SyncAsync(_alice)).NextBatch();
        await PutTypingAsync(_bob, BobId, true);

        var typing = await Client.SyncAsync(_alice, since: since);
        TypingUsers(typing).ShouldBe([BobId]);

        _time.Advance(TimeSpan.FromSeconds(21));
        var stopped = await Client.SyncAsync(_alice, since: typing.NextBatch());
        TypingUsers(stopped).ShouldBe([]);

        var quiet = await Client.SyncAsync(_alice, since: stopped.NextBatch());
        TypingUsers(quiet).ShouldBeNull("each change is sent once");
    }

    [Fact]
    public async Task A_long_poll_wakes_when_someone_starts_typing()
    {
        var since = (await Client.SyncAsync(_alice)).NextBatch();

        var polling = Client.SyncAsync(_alice, since: since, timeout: 30_000);
        await PutTypingAsync(_bob, BobId, true);
        var woken = await polling.WaitAsync(TimeSpan.FromSeconds(20));

        TypingUsers(woken).ShouldBe([BobId]);
    }

    [Fact]
    public async Task An_initial_sync_shows_who_is_typing_now()
    {
        await PutTypingAsync(_bob, BobId, true);

        TypingUsers(await Client.SyncAsync(_alice)).ShouldBe([BobId]);
    }

    [Fact]
    public async Task A_receipt_arrives_once_and_a_long_poll_wakes_for_it()
    {
        var since = (await Client.SyncAsync(_alice)).NextBatch();

        var polling = Client.SyncAsync(_alice, since: since, timeout: 30_000);
        await PostReceiptAsync(_bob, "m.read", _message);
        var woken = await polling.WaitAsync(TimeSpan.FromSeconds(20));

        var receipt = Ephemeral(woken, "m.receipt").ShouldHaveSingleItem();
        receipt.GetProperty("content").GetProperty(_message).GetProperty("m.read").TryGetProperty(BobId, out _).ShouldBeTrue();
        Ephemeral(await Client.SyncAsync(_alice, since: woken.NextBatch()), "m.receipt").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_private_receipt_stays_private()
    {
        var aliceSince = (await Client.SyncAsync(_alice)).NextBatch();
        var bobSince = (await Client.SyncAsync(_bob)).NextBatch();

        await PostReceiptAsync(_bob, "m.read.private", _message);

        Ephemeral(await Client.SyncAsync(_alice, since: aliceSince), "m.receipt").ShouldBeEmpty();
        Ephemeral(await Client.SyncAsync(_alice), "m.receipt").ShouldBeEmpty();
        var own = Ephemeral(await Client.SyncAsync(_bob, since: bobSince), "m.receipt").ShouldHaveSingleItem();
        own.GetProperty("content").GetProperty(_message).TryGetProperty("m.read.private", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task An_initial_sync_has_the_rooms_receipts()
    {
        await PostReceiptAsync(_bob, "m.read", _message);

        var receipt = Ephemeral(await Client.SyncAsync(_alice), "m.receipt").ShouldHaveSingleItem();

        receipt.GetProperty("content").GetProperty(_message).GetProperty("m.read").TryGetProperty(BobId, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task The_fully_read_marker_syncs_as_room_account_data()
    {
        var since = (await Client.SyncAsync(_bob)).NextBatch();

        await (await Client.PostJsonAsync($"{RoomClient.Room(_roomId)}/read_markers", $$"""{"m.fully_read":"{{_message}}"}""", _bob)).ShouldBeOkJsonAsync();

        var sync = await Client.SyncAsync(_bob, since: since);
        var marker = sync.RequireRoom(_roomId).Events("account_data").Single(e => e.GetProperty("type").GetString() == "m.fully_read");
        marker.GetProperty("content").GetProperty("event_id").GetString().ShouldBe(_message);
        Ephemeral(sync, "m.receipt").ShouldBeEmpty("a read marker is not a receipt");
    }

    [Fact]
    public async Task A_filter_can_leave_ephemeral_events_out()
    {
        await PutTypingAsync(_bob, BobId, true);
        await PostReceiptAsync(_bob, "m.read", _message);

        var sync = await Client.SyncAsync(_alice, filter: """{"room":{"ephemeral":{"not_types":["m.typing"]}}}""");

        TypingUsers(sync).ShouldBeNull();
        Ephemeral(sync, "m.receipt").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Typing_from_a_token_of_an_earlier_process_is_sent_in_full()
    {
        var sync = await Client.SyncAsync(_alice);
        var stream = sync.NextBatch()[1..].Split('_')[0];

        var afterRestart = await Client.SyncAsync(_alice, since: $"s{stream}_1");

        TypingUsers(afterRestart).ShouldBe([], "an empty list clears what an earlier process said");
    }
}
