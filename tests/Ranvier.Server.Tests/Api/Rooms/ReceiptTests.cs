using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Receipts;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Receipts;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>POST /rooms/{roomId}/receipt/{receiptType}/{eventId}.</summary>
public sealed class ReceiptTests : RoomTestBase
{
    private const string BobId = "@bob:example.org";

    private string _roomId = null!;
    private string _first = null!;
    private string _second = null!;

    protected override async Task SetUpAsync()
    {
        _roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, _roomId);
        _first = await Client.SendTextAsync(alice, _roomId, "one");
        _second = await Client.SendTextAsync(alice, _roomId, "two");
    }

    private Task<HttpResponseMessage> PostReceiptAsync(string token, string type, string eventId, string? body = "{}", string? roomId = null) =>
        Client.SendJsonAsync(HttpMethod.Post, $"{RoomClient.Room(roomId ?? _roomId)}/receipt/{type}/{Uri.EscapeDataString(eventId)}", body, token);

    private Task<IReadOnlyList<ReceiptRecord>> BobsReceiptsAsync() =>
        host.Services.GetRequiredService<IReceiptStore>().GetUserReceiptsAsync(_roomId, BobId);

    private Task<string> SendInThreadAsync(string root) =>
        Client.SendEventAsync(alice, _roomId, "m.room.message", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["msgtype"] = "m.text",
            ["body"] = "reply",
            ["m.relates_to"] = new { rel_type = "m.thread", event_id = root },
        }));

    [Fact]
    public async Task A_read_receipt_is_stored_with_a_stream_position_and_wakes_syncs()
    {
        var notifier = host.Services.GetRequiredService<StreamNotifier>();
        var waiting = notifier.WaitBeyondAsync(notifier.Current, CancellationToken.None);

        (await (await PostReceiptAsync(bob, "m.read", _first)).ShouldBeOkJsonAsync()).ToString().ShouldBe("{}");

        var receipt = (await BobsReceiptsAsync()).ShouldHaveSingleItem();
        (receipt.ReceiptType, receipt.EventId, receipt.ThreadId, receipt.IsPrivate).ShouldBe(("m.read", _first, (string?)null, false));
        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Stream.ShouldBe(receipt.StreamPosition);
    }

    [Fact]
    public async Task A_private_receipt_is_marked_private_and_counts_for_the_read_position()
    {
        await (await PostReceiptAsync(bob, "m.read", _first)).ShouldBeOkJsonAsync();
        await (await PostReceiptAsync(bob, "m.read.private", _second)).ShouldBeOkJsonAsync();

        (await BobsReceiptsAsync()).Single(r => r.ReceiptType == "m.read.private").IsPrivate.ShouldBeTrue();
        var upTo = await host.Services.GetRequiredService<ReceiptService>().GetReadUpToAsync(_roomId, BobId, null, CancellationToken.None);
        upTo!.EventId.ShouldBe(_second, "the more recent of m.read and m.read.private is the read-up-to mark");
    }

    [Fact]
    public async Task An_older_receipt_is_accepted_but_does_not_move_the_receipt_back()
    {
        await (await PostReceiptAsync(bob, "m.read", _second)).ShouldBeOkJsonAsync();

        await (await PostReceiptAsync(bob, "m.read", _first)).ShouldBeOkJsonAsync();

        (await BobsReceiptsAsync()).ShouldHaveSingleItem().EventId.ShouldBe(_second);
    }

    [Fact]
    public async Task No_body_is_read_as_an_empty_object()
    {
        await (await PostReceiptAsync(bob, "m.read", _first, body: null)).ShouldBeOkJsonAsync();

        (await BobsReceiptsAsync()).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Threaded_receipts_must_name_the_thread_the_event_is_in()
    {
        var reply = await SendInThreadAsync(_first);
        var reaction = await Client.SendEventAsync(alice, _roomId, "m.reaction",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["m.relates_to"] = new { rel_type = "m.annotation", event_id = reply, key = "👍" } }));

        await (await PostReceiptAsync(bob, "m.read", reply, $$"""{"thread_id":"{{_first}}"}""")).ShouldBeOkJsonAsync();
        await (await PostReceiptAsync(bob, "m.read", reaction, $$"""{"thread_id":"{{_first}}"}""")).ShouldBeOkJsonAsync();
        await (await PostReceiptAsync(bob, "m.read", _first, """{"thread_id":"main"}""")).ShouldBeOkJsonAsync();

        await (await PostReceiptAsync(bob, "m.read.private", reply, """{"thread_id":"main"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await PostReceiptAsync(bob, "m.read.private", _second, $$"""{"thread_id":"{{_first}}"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        (await BobsReceiptsAsync()).Select(r => (r.ThreadId, r.EventId)).ShouldBe([(_first, reaction), ("main", _first)]);
    }

    [Theory]
    [InlineData("""{"thread_id":""}""", "M_INVALID_PARAM")]
    [InlineData("""{"thread_id":"side"}""", "M_INVALID_PARAM")]
    [InlineData("""{"thread_id":5}""", "M_BAD_JSON")]
    [InlineData("{oops", "M_NOT_JSON")]
    [InlineData("[1]", "M_BAD_JSON")]
    public async Task A_bad_body_is_refused(string body, string errcode)
    {
        await (await PostReceiptAsync(bob, "m.read", _first, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
        (await BobsReceiptsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Unknown_receipt_types_and_malformed_event_ids_are_refused()
    {
        await (await PostReceiptAsync(bob, "m.seen", _first)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await PostReceiptAsync(bob, "m.read", "not-an-event")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await PostReceiptAsync(bob, "m.fully_read", _first, """{"thread_id":"main"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Only_members_may_send_receipts_for_events_of_the_room()
    {
        var otherRoom = await Client.CreateRoomAsync(alice);
        var elsewhere = await Client.SendTextAsync(alice, otherRoom, "elsewhere");

        await (await PostReceiptAsync(carol, "m.read", _first)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await PostReceiptAsync(bob, "m.read", _first, roomId: "!unknown:example.org")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await PostReceiptAsync(bob, "m.read", "$unknown:example.org")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await PostReceiptAsync(bob, "m.read", elsewhere)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await BobsReceiptsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_member_may_not_acknowledge_an_event_they_cannot_see()
    {
        var privateRoom = await Client.CreateRoomAsync(alice, """{"preset":"public_chat","initial_state":[{"type":"m.room.history_visibility","content":{"history_visibility":"joined"}}]}""");
        var before = await Client.SendTextAsync(alice, privateRoom, "before bob");
        await Client.JoinAsync(bob, privateRoom);

        await (await PostReceiptAsync(bob, "m.read", before, roomId: privateRoom)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task The_fully_read_type_sets_the_read_marker_and_no_receipt()
    {
        await (await PostReceiptAsync(bob, "m.fully_read", _first)).ShouldBeOkJsonAsync();

        var marker = await (await Client.GetWithTokenAsync(
            $"{RoomClient.V3}/user/{BobId}/rooms/{Uri.EscapeDataString(_roomId)}/account_data/m.fully_read", bob)).ShouldBeOkJsonAsync();
        marker.GetProperty("event_id").GetString().ShouldBe(_first);
        (await BobsReceiptsAsync()).ShouldBeEmpty();
    }
}
