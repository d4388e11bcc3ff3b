using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Services.Typing;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>PUT /rooms/{roomId}/typing/{userId} on a server whose clock the test moves.</summary>
public sealed class TypingTests : IAsyncLifetime
{
    private const string AliceId = "@alice:example.org";
    private const string BobId = "@bob:example.org";

    private readonly ManualTimeProvider _time = new();
    private TestHost _host = null!;
    private string _alice = null!;
    private string _bob = null!;
    private string _carol = null!;
    private string _roomId = null!;

    private HttpClient Client => _host.Client;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync("server_name: example.org\n", time: _time);
        _alice = await _host.CreateUserWithTokenAsync("alice");
        _bob = await _host.CreateUserWithTokenAsync("bob");
        _carol = await _host.CreateUserWithTokenAsync("carol");
        _roomId = await Client.CreateRoomAsync(_alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(_bob, _roomId);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> PutTypingAsync(string token, string userId, string body, string? roomId = null) =>
        Client.PutJsonAsync($"{RoomClient.Room(roomId ?? _roomId)}/typing/{Uri.EscapeDataString(userId)}", body, token);

    private IReadOnlyList<string> Typing() =>
        _host.Services.GetRequiredService<TypingTracker>().Snapshot(new HashSet<string> { _roomId }).SingleOrDefault()?.UserIds ?? [];

    [Fact]
    public async Task Typing_starts_and_stops_and_each_change_wakes_waiting_syncs()
    {
        var notifier = _host.Services.GetRequiredService<StreamNotifier>();
        var waiting = notifier.WaitBeyondAsync(notifier.Current, CancellationToken.None);

        (await (await PutTypingAsync(_bob, BobId, """{"typing":true,"timeout":30000}""")).ShouldBeOkJsonAsync()).ToString().ShouldBe("{}");
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Typing().ShouldBe([BobId]);

        await (await PutTypingAsync(_bob, BobId, """{"typing":false}""")).ShouldBeOkJsonAsync();
        Typing().ShouldBeEmpty();
    }

    [Fact]
    public async Task Typing_ends_when_its_timeout_passes()
    {
        await (await PutTypingAsync(_bob, BobId, """{"typing":true,"timeout":10000}""")).ShouldBeOkJsonAsync();

        _time.Advance(TimeSpan.FromSeconds(9));
        Typing().ShouldBe([BobId]);
        _time.Advance(TimeSpan.FromSeconds(1));
        Typing().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_huge_timeout_is_capped_and_a_missing_one_defaults()
    {
        await (await PutTypingAsync(_bob, BobId, """{"typing":true,"timeout":999999999}""")).ShouldBeOkJsonAsync();
        await (await PutTypingAsync(_alice, AliceId, """{"typing":true}""")).ShouldBeOkJsonAsync();

        _time.Advance(TimeSpan.FromSeconds(31));
        Typing().ShouldBe([BobId]);
        _time.Advance(TypingService.MaxTimeout);
        Typing().ShouldBeEmpty();
    }

    [Fact]
    public async Task Leaving_the_room_stops_typing()
    {
        await (await PutTypingAsync(_bob, BobId, """{"typing":true,"timeout":30000}""")).ShouldBeOkJsonAsync();

        await Client.LeaveAsync(_bob, _roomId);

        Typing().ShouldBeEmpty();
    }

    [Fact]
    public async Task Typing_for_someone_else_or_outside_a_joined_room_is_forbidden()
    {
        await (await PutTypingAsync(_bob, AliceId, """{"typing":true}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await PutTypingAsync(_carol, "@carol:example.org", """{"typing":true}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await PutTypingAsync(_bob, BobId, """{"typing":true}""", "!unknown:example.org")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Typing().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{not json", "M_NOT_JSON")]
    [InlineData("[]", "M_BAD_JSON")]
    [InlineData("{}", "M_MISSING_PARAM")]
    [InlineData("""{"typing":"yes"}""", "M_BAD_JSON")]
    [InlineData("""{"typing":true,"timeout":-1}""", "M_BAD_JSON")]
    [InlineData("""{"typing":true,"timeout":1.5}""", "M_BAD_JSON")]
    [InlineData("""{"typing":true,"timeout":"30000"}""", "M_BAD_JSON")]
    public async Task A_bad_body_is_refused(string body, string errcode)
    {
        await (await PutTypingAsync(_bob, BobId, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, errcode);
        Typing().ShouldBeEmpty();
    }

    [Fact]
    public async Task Guests_may_not_send_typing_notifications()
    {
        var guest = await _host.CreateUserWithTokenAsync("guest", Ranvier.Storage.Accounts.AccountKind.Guest);

        await (await PutTypingAsync(guest, "@guest:example.org", """{"typing":true}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }
}
