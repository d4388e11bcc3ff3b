using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>Room aliases (spec: client-server API "Room aliases", directory.yaml), createRoom's room_alias_name and joining by alias.</summary>
public sealed class AliasTests : RoomTestBase
{
    private string admin = null!;
    private string guest = null!;

    protected override async Task SetUpAsync()
    {
        admin = await host.CreateUserWithTokenAsync("admin", admin: true);
        guest = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);
    }

    private Task<string> PublicRoomAsync(string body = """{"preset":"public_chat"}""") => host.Client.CreateRoomAsync(alice, body);

    [Fact]
    public async Task A_created_alias_resolves_without_a_token_to_the_room_and_this_server()
    {
        var roomId = await PublicRoomAsync();

        await host.Client.CreateAliasAsync(alice, "#lobby:example.org", roomId);

        var resolved = await (await host.Client.GetWithTokenAsync(DirectoryClient.AliasPath("#lobby:example.org"), null)).ShouldBeOkJsonAsync();
        resolved.GetProperty("room_id").GetString().ShouldBe(roomId);
        resolved.GetProperty("servers").EnumerateArray().Select(s => s.GetString()).ShouldBe(["example.org"]);
    }

    [Fact]
    public async Task Unknown_and_remote_aliases_do_not_resolve()
    {
        await (await host.Client.GetWithTokenAsync(DirectoryClient.AliasPath("#nothing:example.org"), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        var remote = await (await host.Client.GetWithTokenAsync(DirectoryClient.AliasPath("#room:elsewhere.org"), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        remote.GetProperty("error").GetString()!.ShouldContain("federate");
    }

    [Theory]
    [InlineData("lobby:example.org")]
    [InlineData("#lobby")]
    [InlineData("#lobby:bad server")]
    public async Task Malformed_aliases_are_invalid_params(string alias)
    {
        var roomId = await PublicRoomAsync();

        await (await host.Client.GetWithTokenAsync(DirectoryClient.AliasPath(alias), null)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.PutAliasAsync(alice, alias, roomId)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath(alias), alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task An_alias_on_another_server_cannot_be_created()
    {
        var roomId = await PublicRoomAsync();

        await (await host.Client.PutAliasAsync(alice, "#lobby:elsewhere.org", roomId)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task An_existing_alias_cannot_be_created_again_and_keeps_its_room()
    {
        var first = await PublicRoomAsync();
        var second = await PublicRoomAsync();
        await host.Client.CreateAliasAsync(alice, "#lobby:example.org", first);

        await (await host.Client.PutAliasAsync(alice, "#lobby:example.org", second)).ShouldBeMatrixErrorAsync(HttpStatusCode.Conflict, "M_UNKNOWN");

        (await host.Client.ResolveAliasAsync("#lobby:example.org")).ShouldBe(first);
    }

    [Fact]
    public async Task Creating_an_alias_needs_a_known_room_and_a_room_id()
    {
        await (await host.Client.PutAliasAsync(alice, "#lobby:example.org", "!unknown:example.org")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.PutAliasAsync(alice, "#lobby:example.org", "not-a-room")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.PutJsonAsync(DirectoryClient.AliasPath("#lobby:example.org"), "{}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await (await host.Client.PutAliasAsync(null, "#lobby:example.org", "!unknown:example.org")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task Only_members_create_aliases_except_admins_and_never_guests()
    {
        var roomId = await PublicRoomAsync();

        await (await host.Client.PutAliasAsync(bob, "#bob:example.org", roomId)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PutAliasAsync(guest, "#guest:example.org", roomId)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await host.Client.CreateAliasAsync(admin, "#admin:example.org", roomId);
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.CreateAliasAsync(bob, "#bob:example.org", roomId);

        (await host.Client.ListAliasesAsync(alice, roomId)).ShouldBe(["#admin:example.org", "#bob:example.org"]);
    }

    [Fact]
    public async Task The_creator_of_an_alias_may_delete_it_even_after_leaving()
    {
        var roomId = await PublicRoomAsync();
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.CreateAliasAsync(bob, "#bob:example.org", roomId);
        await host.Client.LeaveAsync(bob, roomId);

        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath("#bob:example.org"), bob)).ShouldBeOkJsonAsync();

        await (await host.Client.GetWithTokenAsync(DirectoryClient.AliasPath("#bob:example.org"), null)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath("#bob:example.org"), bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Another_users_alias_needs_power_over_the_canonical_alias_or_an_admin_to_delete()
    {
        var roomId = await PublicRoomAsync("""{"preset":"public_chat","power_level_content_override":{"users":{"@carol:example.org":50}}}""");
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.JoinAsync(carol, roomId);
        await host.Client.CreateAliasAsync(alice, "#one:example.org", roomId);
        await host.Client.CreateAliasAsync(alice, "#two:example.org", roomId);

        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath("#one:example.org"), bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath("#one:example.org"), guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath("#one:example.org"), carol)).ShouldBeOkJsonAsync();
        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath("#two:example.org"), admin)).ShouldBeOkJsonAsync();

        (await host.Client.ListAliasesAsync(alice, roomId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_member_with_power_who_left_may_not_delete_another_users_alias()
    {
        var roomId = await PublicRoomAsync("""{"preset":"public_chat","power_level_content_override":{"users":{"@carol:example.org":50}}}""");
        await host.Client.JoinAsync(carol, roomId);
        await host.Client.CreateAliasAsync(alice, "#one:example.org", roomId);
        await host.Client.LeaveAsync(carol, roomId);

        await (await host.Client.DeleteWithTokenAsync(DirectoryClient.AliasPath("#one:example.org"), carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Local_aliases_are_listed_for_members_admins_and_anyone_in_world_readable_rooms()
    {
        var roomId = await PublicRoomAsync();
        await host.Client.CreateAliasAsync(alice, "#b:example.org", roomId);
        await host.Client.CreateAliasAsync(alice, "#a:example.org", roomId);
        var path = $"{RoomClient.Room(roomId)}/aliases";

        (await host.Client.ListAliasesAsync(alice, roomId)).ShouldBe(["#a:example.org", "#b:example.org"]);
        (await host.Client.ListAliasesAsync(admin, roomId)).ShouldBe(["#a:example.org", "#b:example.org"]);
        await (await host.Client.GetWithTokenAsync(path, bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.GetWithTokenAsync(path, null)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");

        await host.Client.SetStateAsync(alice, roomId, "m.room.history_visibility", "", """{"history_visibility":"world_readable"}""");
        (await host.Client.ListAliasesAsync(bob, roomId)).ShouldBe(["#a:example.org", "#b:example.org"]);
    }

    [Fact]
    public async Task Former_members_cannot_list_aliases()
    {
        var roomId = await PublicRoomAsync();
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.LeaveAsync(bob, roomId);

        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room(roomId)}/aliases", bob)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.GetWithTokenAsync($"{RoomClient.Room("not-a-room")}/aliases", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task CreateRoom_with_room_alias_name_creates_the_alias_and_the_canonical_alias_event()
    {
        var roomId = await PublicRoomAsync("""{"preset":"public_chat","room_alias_name":"pub"}""");

        (await host.Client.ResolveAliasAsync("#pub:example.org")).ShouldBe(roomId);
        (await host.Client.GetStateContentAsync(alice, roomId, "m.room.canonical_alias")).GetProperty("alias").GetString().ShouldBe("#pub:example.org");
        (await host.Client.ListAliasesAsync(alice, roomId)).ShouldBe(["#pub:example.org"]);
    }

    [Fact]
    public async Task CreateRoom_sends_the_canonical_alias_between_power_levels_and_the_preset_state()
    {
        var roomId = await PublicRoomAsync("""{"preset":"public_chat","room_alias_name":"ordered"}""");

        var canonical = await DepthAsync(roomId, "m.room.canonical_alias");

        canonical.ShouldBe(await DepthAsync(roomId, "m.room.power_levels") + 1);
        (await DepthAsync(roomId, "m.room.join_rules")).ShouldBe(canonical + 1);
    }

    /// <summary>The depth of a current state event, read from the store (client events do not carry it).</summary>
    private async Task<long> DepthAsync(string roomId, string type)
    {
        var store = host.Services.GetRequiredService<IRoomEventStore>();
        var events = await store.GetCurrentStateEventsOfTypeAsync(roomId, type);
        return events.Single().Depth;
    }

    [Fact]
    public async Task CreateRoom_with_a_taken_alias_is_room_in_use_and_creates_no_room()
    {
        await PublicRoomAsync("""{"room_alias_name":"taken"}""");
        var before = await JoinedRoomCountAsync(bob);

        await (await host.Client.PostJsonAsync($"{RoomClient.V3}/createRoom", """{"room_alias_name":"taken"}""", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_ROOM_IN_USE");

        (await JoinedRoomCountAsync(bob)).ShouldBe(before);
    }

    [Theory]
    [InlineData("has:colon")]
    [InlineData("has space")]
    [InlineData("")]
    public async Task CreateRoom_with_an_invalid_alias_name_is_invalid_param_and_creates_no_room(string name)
    {
        await (await host.Client.PostJsonAsync($"{RoomClient.V3}/createRoom", JsonSerializer.Serialize(new { room_alias_name = name }), bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        (await JoinedRoomCountAsync(bob)).ShouldBe(0);
    }

    [Fact]
    public async Task CreateRoom_with_an_overlong_alias_name_is_invalid_param()
    {
        await (await host.Client.PostJsonAsync($"{RoomClient.V3}/createRoom", JsonSerializer.Serialize(new { room_alias_name = new string('a', 250) }), bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_user_joins_a_room_by_its_local_alias()
    {
        var roomId = await PublicRoomAsync("""{"preset":"public_chat","room_alias_name":"joinme"}""");

        var joined = await (await host.Client.PostJsonAsync($"{RoomClient.V3}/join/{Uri.EscapeDataString("#joinme:example.org")}", "{}", bob)).ShouldBeOkJsonAsync();

        joined.GetProperty("room_id").GetString().ShouldBe(roomId);
        (await host.Client.GetStateContentAsync(bob, roomId, "m.room.member", "@bob:example.org")).GetProperty("membership").GetString().ShouldBe("join");
    }

    [Fact]
    public async Task Joining_an_unknown_or_remote_alias_is_not_found()
    {
        await (await host.Client.PostJsonAsync($"{RoomClient.V3}/join/{Uri.EscapeDataString("#nothing:example.org")}", "{}", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        var remote = await (await host.Client.PostJsonAsync($"{RoomClient.V3}/join/{Uri.EscapeDataString("#room:elsewhere.org")}", "{}", bob))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        remote.GetProperty("error").GetString()!.ShouldContain("federate");
    }

    private async Task<int> JoinedRoomCountAsync(string token) =>
        (await (await host.Client.GetWithTokenAsync($"{RoomClient.V3}/joined_rooms", token)).ShouldBeOkJsonAsync()).GetProperty("joined_rooms").GetArrayLength();
}
