using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.AccountData;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.UserData;

public sealed class AccountDataTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private const string Room = "!room:example.org";
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

    private static string Global(string user, string type) => $"/_matrix/client/v3/user/{user}/account_data/{type}";

    private static string InRoom(string user, string room, string type) => $"/_matrix/client/v3/user/{user}/rooms/{Uri.EscapeDataString(room)}/account_data/{type}";

    [Fact]
    public async Task Global_and_room_account_data_are_stored_apart_and_replaced()
    {
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.cfg"), """{"theme":"dark","n":1.5}""", aliceToken)).ShouldBeOkJsonAsync();
        await (await host.Client.PutJsonAsync(InRoom(Alice, Room, "org.example.cfg"), """{"theme":"room"}""", aliceToken)).ShouldBeOkJsonAsync();
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.cfg"), """{"theme":"light","n":1.5}""", aliceToken)).ShouldBeOkJsonAsync();

        var global = await (await host.Client.GetWithTokenAsync(Global(Alice, "org.example.cfg"), aliceToken)).ShouldBeOkJsonAsync();
        global.GetProperty("theme").GetString().ShouldBe("light");
        global.GetProperty("n").GetDouble().ShouldBe(1.5);
        var room = await (await host.Client.GetWithTokenAsync(InRoom(Alice, Room, "org.example.cfg"), aliceToken)).ShouldBeOkJsonAsync();
        room.GetProperty("theme").GetString().ShouldBe("room");
    }

    [Fact]
    public async Task Missing_account_data_is_not_found_and_rooms_do_not_fall_back_to_global()
    {
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.cfg"), "{}", aliceToken)).ShouldBeOkJsonAsync();

        await (await host.Client.GetWithTokenAsync(Global(Alice, "org.example.none"), aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync(InRoom(Alice, Room, "org.example.cfg"), aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Another_users_account_data_is_forbidden_both_ways()
    {
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.cfg"), """{"secret":1}""", aliceToken)).ShouldBeOkJsonAsync();

        await (await host.Client.GetWithTokenAsync(Global(Alice, "org.example.cfg"), bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.cfg"), """{"secret":2}""", bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PutJsonAsync(InRoom(Alice, Room, "org.example.cfg"), "{}", bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PutJsonAsync(Global("not-a-user-id", "org.example.cfg"), "{}", bobToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

        (await (await host.Client.GetWithTokenAsync(Global(Alice, "org.example.cfg"), aliceToken)).ShouldBeOkJsonAsync()).GetProperty("secret").GetInt32().ShouldBe(1);
    }

    [Theory]
    [InlineData("m.fully_read")]
    [InlineData("m.push_rules")]
    public async Task Server_managed_types_cannot_be_set_globally_or_per_room(string type)
    {
        await (await host.Client.PutJsonAsync(Global(Alice, type), """{"event_id":"$x"}""", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.MethodNotAllowed, "M_BAD_JSON");
        await (await host.Client.PutJsonAsync(InRoom(Alice, Room, type), """{"event_id":"$x"}""", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.MethodNotAllowed, "M_BAD_JSON");

        await (await host.Client.GetWithTokenAsync(Global(Alice, type), aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Bad_requests_are_refused_and_take_no_stream_position()
    {
        var service = host.Services.GetRequiredService<AccountDataService>();

        await (await host.Client.PutJsonAsync(InRoom(Alice, "room-without-sigil", "org.example.cfg"), "{}", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.GetWithTokenAsync(InRoom(Alice, "room-without-sigil", "org.example.cfg"), aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.cfg"), "[1,2]", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.cfg"), "nope", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_NOT_JSON");
        await (await host.Client.PutJsonAsync(Global(Alice, new string('t', 256)), "{}", aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        var tooBig = $$"""{"x":"{{new string('x', 1024 * 1024)}}"}""";
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.cfg"), tooBig, aliceToken)).ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");

        (await service.ChangedAfterAsync(Alice, 0, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Each_write_is_reported_as_changed_after_the_previous_position()
    {
        var service = host.Services.GetRequiredService<AccountDataService>();
        await (await host.Client.PutJsonAsync(Global(Alice, "org.example.a"), "{}", aliceToken)).ShouldBeOkJsonAsync();
        var first = (await service.ChangedAfterAsync(Alice, 0, CancellationToken.None)).ShouldHaveSingleItem();

        await (await host.Client.PutJsonAsync(InRoom(Alice, Room, "org.example.b"), """{"k":true}""", aliceToken)).ShouldBeOkJsonAsync();

        var later = (await service.ChangedAfterAsync(Alice, first.StreamPosition, CancellationToken.None)).ShouldHaveSingleItem();
        later.RoomId.ShouldBe(Room);
        later.Type.ShouldBe("org.example.b");
        later.ContentJson.ShouldBe("""{"k":true}""");
        later.StreamPosition.ShouldBeGreaterThan(first.StreamPosition);
    }
}
