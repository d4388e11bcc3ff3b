using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Receipts;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>POST /rooms/{roomId}/read_markers.</summary>
public sealed class ReadMarkerTests : RoomTestBase
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

    private Task<HttpResponseMessage> PostMarkersAsync(string token, string body) =>
        Client.PostJsonAsync($"{RoomClient.Room(_roomId)}/read_markers", body, token);

    private Task<HttpResponseMessage> GetFullyReadAsync(string token = "") =>
        Client.GetWithTokenAsync($"{RoomClient.V3}/user/{BobId}/rooms/{Uri.EscapeDataString(_roomId)}/account_data/m.fully_read", token.Length == 0 ? bob : token);

    private Task<IReadOnlyList<ReceiptRecord>> BobsReceiptsAsync() =>
        host.Services.GetRequiredService<IReceiptStore>().GetUserReceiptsAsync(_roomId, BobId);

    [Fact]
    public async Task One_request_sets_the_fully_read_marker_and_both_read_receipts()
    {
        (await (await PostMarkersAsync(bob, $$"""{"m.fully_read":"{{_first}}","m.read":"{{_second}}","m.read.private":"{{_second}}"}"""))
            .ShouldBeOkJsonAsync()).ToString().ShouldBe("{}");

        (await (await GetFullyReadAsync()).ShouldBeOkJsonAsync()).GetProperty("event_id").GetString().ShouldBe(_first);
        (await BobsReceiptsAsync()).Select(r => (r.ReceiptType, r.EventId, r.IsPrivate)).ShouldBe([("m.read", _second, false), ("m.read.private", _second, true)]);
    }

    [Fact]
    public async Task The_fully_read_marker_does_not_move_backwards()
    {
        await (await PostMarkersAsync(bob, $$"""{"m.fully_read":"{{_second}}"}""")).ShouldBeOkJsonAsync();

        await (await PostMarkersAsync(bob, $$"""{"m.fully_read":"{{_first}}"}""")).ShouldBeOkJsonAsync();

        (await (await GetFullyReadAsync()).ShouldBeOkJsonAsync()).GetProperty("event_id").GetString().ShouldBe(_second);
    }

    [Fact]
    public async Task The_marker_cannot_be_set_as_plain_account_data()
    {
        await (await Client.PutJsonAsync($"{RoomClient.V3}/user/{BobId}/rooms/{Uri.EscapeDataString(_roomId)}/account_data/m.fully_read",
            $$"""{"event_id":"{{_first}}"}""", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.MethodNotAllowed, "M_BAD_JSON");
    }

    [Fact]
    public async Task An_empty_request_changes_nothing()
    {
        await (await PostMarkersAsync(bob, "{}")).ShouldBeOkJsonAsync();

        await (await GetFullyReadAsync()).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await BobsReceiptsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{nope", HttpStatusCode.BadRequest, "M_NOT_JSON")]
    [InlineData("""{"m.fully_read":1}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"m.read":"nope"}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("""{"m.read.private":"$unknown:example.org"}""", HttpStatusCode.NotFound, "M_NOT_FOUND")]
    public async Task Bad_requests_are_refused(string body, HttpStatusCode status, string errcode) =>
        await (await PostMarkersAsync(bob, body)).ShouldBeMatrixErrorAsync(status, errcode);

    [Fact]
    public async Task One_unknown_event_fails_the_whole_request_before_anything_is_written()
    {
        await (await PostMarkersAsync(bob, $$"""{"m.fully_read":"{{_second}}","m.read":"{{_second}}","m.read.private":"$unknown:example.org"}"""))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");

        await (await GetFullyReadAsync()).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await BobsReceiptsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Only_members_may_set_read_markers()
    {
        await (await PostMarkersAsync(carol, $$"""{"m.fully_read":"{{_first}}"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }
}
