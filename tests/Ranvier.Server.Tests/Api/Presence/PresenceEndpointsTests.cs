using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Presence;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Api.Rooms;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.Presence;

namespace Ranvier.Server.Tests.Api.Presence;

/// <summary>GET and PUT /presence/{userId}/status (spec: client-server API "Presence").</summary>
public sealed class PresenceEndpointsTests : RoomTestBase
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string Carol = "@carol:example.org";

    protected override async Task SetUpAsync()
    {
        // Alice and Bob share a room; Carol shares none.
        var room = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, room);
    }

    [Fact]
    public async Task A_user_sets_and_reads_their_own_presence()
    {
        await Client.SetPresenceAsync(alice, Alice, "online", "in a meeting");

        var status = await Client.GetPresenceAsync(alice, Alice);

        status.GetProperty("presence").GetString().ShouldBe("online");
        status.GetProperty("status_msg").GetString().ShouldBe("in a meeting");
        status.GetProperty("currently_active").GetBoolean().ShouldBeTrue();
        status.GetProperty("last_active_ago").GetInt64().ShouldBeInRange(0, 60_000);
    }

    [Fact]
    public async Task A_status_message_left_out_clears_the_old_one()
    {
        await Client.SetPresenceAsync(alice, Alice, "unavailable", "lunch");
        await (await Client.PutPresenceAsync(alice, Alice, """{"presence":"unavailable"}""")).ShouldBeOkJsonAsync();

        var status = await Client.GetPresenceAsync(alice, Alice);

        status.GetProperty("presence").GetString().ShouldBe("unavailable");
        status.TryGetProperty("status_msg", out _).ShouldBeFalse();
        status.GetProperty("currently_active").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_room_mate_sees_the_presence_and_a_stranger_is_refused()
    {
        await Client.SetPresenceAsync(alice, Alice, "online", "here");

        (await Client.GetPresenceAsync(bob, Alice)).GetProperty("status_msg").GetString().ShouldBe("here");
        await (await Client.GetWithTokenAsync(PresenceClient.Status(Alice), carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Leaving_the_only_shared_room_ends_visibility()
    {
        var rooms = host.Services.GetRequiredService<Ranvier.Storage.Rooms.IRoomEventStore>();
        var shared = (await rooms.GetRoomsForUserAsync(Bob)).Single().RoomId;
        await Client.LeaveAsync(bob, shared);

        await (await Client.GetWithTokenAsync(PresenceClient.Status(Alice), bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_visible_user_who_never_set_presence_is_offline()
    {
        var status = await Client.GetPresenceAsync(alice, Bob);

        status.GetProperty("presence").GetString().ShouldBe("offline");
        status.TryGetProperty("last_active_ago", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("@nobody:example.org", HttpStatusCode.NotFound, "M_NOT_FOUND")]
    [InlineData("@someone:elsewhere.org", HttpStatusCode.Forbidden, "M_FORBIDDEN")]
    [InlineData("not-a-user-id", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    public async Task Reading_an_unknown_remote_or_invalid_user_fails(string userId, HttpStatusCode status, string errcode) =>
        await (await Client.GetWithTokenAsync(PresenceClient.Status(userId), alice)).ShouldBeMatrixErrorAsync(status, errcode);

    [Fact]
    public async Task Nobody_sets_the_presence_of_another_user() =>
        await (await Client.PutPresenceAsync(alice, Bob, """{"presence":"online"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");

    [Theory]
    [InlineData("""{"presence":"busy"}""", "M_INVALID_PARAM")]
    [InlineData("""{"presence":"Online"}""", "M_INVALID_PARAM")]
    [InlineData("""{"status_msg":"no state"}""", "M_MISSING_PARAM")]
    [InlineData("""{"presence":1}""", "M_BAD_JSON")]
    [InlineData("""{"presence":"online","status_msg":5}""", "M_BAD_JSON")]
    [InlineData("""["online"]""", "M_BAD_JSON")]
    [InlineData("""not json""", "M_NOT_JSON")]
    public async Task Bad_bodies_are_refused_and_change_nothing(string body, string errcode)
    {
        var error = await Client.PutPresenceAsync(alice, Alice, body);

        (error.StatusCode, await ErrcodeAsync(error)).ShouldBe((HttpStatusCode.BadRequest, errcode));
        (await Client.GetPresenceAsync(alice, Alice)).GetProperty("presence").GetString().ShouldBe("offline");
    }

    [Fact]
    public async Task A_status_message_past_the_cap_is_refused()
    {
        var body = JsonSerializer.Serialize(new { presence = "online", status_msg = new string('x', PresenceService.MaxStatusMessageLength + 1) });

        await (await Client.PutPresenceAsync(alice, Alice, body)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await Client.SetPresenceAsync(alice, Alice, "online", new string('x', PresenceService.MaxStatusMessageLength));
    }

    [Fact]
    public async Task Presence_needs_an_access_token_and_is_closed_to_guests()
    {
        var guest = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);

        await (await Client.GetWithTokenAsync(PresenceClient.Status(Alice), null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await (await Client.PutPresenceAsync(guest, "@guest:example.org", """{"presence":"online"}"""))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task A_visible_change_takes_a_stream_position_and_a_repeat_takes_none()
    {
        var notifier = host.Services.GetRequiredService<StreamNotifier>();
        var before = notifier.Position;

        await Client.SetPresenceAsync(alice, Alice, "online", "x");
        var afterFirst = notifier.Position;
        await Client.SetPresenceAsync(alice, Alice, "online", "x");
        await Client.SetPresenceAsync(alice, Alice, "online", "y");

        afterFirst.ShouldBe(before + 1);
        notifier.Position.ShouldBe(before + 2, "repeating the same presence is activity, not a change");
        (await host.Services.GetRequiredService<IPresenceStore>().GetAsync(Alice))!.StreamPosition.ShouldBe(before + 2);
    }

    [Fact]
    public async Task Sending_a_message_is_activity_that_brings_a_user_online()
    {
        await Client.SetPresenceAsync(bob, Bob, "unavailable");
        var rooms = host.Services.GetRequiredService<Ranvier.Storage.Rooms.IRoomEventStore>();
        var shared = (await rooms.GetRoomsForUserAsync(Bob)).Single().RoomId;

        await Client.SendTextAsync(bob, shared, "back");

        var status = await Client.GetPresenceAsync(alice, Bob);
        status.GetProperty("presence").GetString().ShouldBe("online");
        status.GetProperty("currently_active").GetBoolean().ShouldBeTrue();
    }

    private static async Task<string?> ErrcodeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errcode").GetString();
}

/// <summary>Presence across a restart, and with presence switched off.</summary>
public sealed class PresenceHostTests
{
    private const string Alice = "@alice:example.org";

    [Fact]
    public async Task Presence_survives_a_restart()
    {
        using var directory = new TempDirectory();
        var yaml = $"server_name: example.org\ndata_directory: {directory.Path}\n";
        string token;
        await using (var first = await TestHost.StartAsync(yaml))
        {
            token = await first.CreateUserWithTokenAsync("alice");
            await first.Client.SetPresenceAsync(token, Alice, "unavailable", "back soon");
        }

        await using var second = await TestHost.StartAsync(yaml);
        var status = await second.Client.GetPresenceAsync(token, Alice);

        status.GetProperty("presence").GetString().ShouldBe("unavailable");
        status.GetProperty("status_msg").GetString().ShouldBe("back soon");
    }

    [Fact]
    public async Task With_presence_disabled_a_put_is_accepted_and_ignored_and_everyone_reads_offline()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org\npresence:\n  enabled: false\n");
        var token = await host.CreateUserWithTokenAsync("alice");
        var before = host.Services.GetRequiredService<StreamNotifier>().Position;

        await host.Client.SetPresenceAsync(token, Alice, "online", "hello");

        (await host.Client.GetPresenceAsync(token, Alice)).ToString().ShouldBe("""{"presence":"offline"}""");
        (await host.Client.GetPresenceAsync(token, "@nobody:example.org")).GetProperty("presence").GetString().ShouldBe("offline");
        host.Services.GetRequiredService<StreamNotifier>().Position.ShouldBe(before);
        await (await host.Client.PutPresenceAsync(token, Alice, """{"presence":"away"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }
}
