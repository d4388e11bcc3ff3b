using System.Net;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>A room's visibility in the published room directory (spec: list_public_rooms.yaml, /directory/list/room/{roomId}).</summary>
public sealed class DirectoryTests : RoomTestBase
{
    private string admin = null!;
    private string guest = null!;

    protected override async Task SetUpAsync()
    {
        admin = await host.CreateUserWithTokenAsync("admin", admin: true);
        guest = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);
    }

    [Fact]
    public async Task Rooms_are_private_unless_created_with_public_visibility()
    {
        var privateRoom = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var publicRoom = await host.Client.CreateRoomAsync(alice, """{"visibility":"public"}""");

        (await host.Client.GetVisibilityAsync(privateRoom)).ShouldBe("private");
        (await host.Client.GetVisibilityAsync(publicRoom)).ShouldBe("public");
    }

    [Fact]
    public async Task Unknown_and_malformed_rooms_have_no_visibility()
    {
        await (await host.Client.GetWithTokenAsync(DirectoryClient.VisibilityPath("!unknown:example.org"), null)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.PutVisibilityAsync(alice, "!unknown:example.org", """{"visibility":"public"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.GetWithTokenAsync(DirectoryClient.VisibilityPath("room"), null)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task The_creator_publishes_and_unpublishes_a_room()
    {
        var roomId = await host.Client.CreateRoomAsync(alice);

        await (await host.Client.PutVisibilityAsync(alice, roomId, """{"visibility":"public"}""")).ShouldBeOkJsonAsync();
        (await host.Client.GetVisibilityAsync(roomId)).ShouldBe("public");
        await (await host.Client.PutVisibilityAsync(alice, roomId, """{"visibility":"public"}""")).ShouldBeOkJsonAsync();
        await (await host.Client.PutVisibilityAsync(alice, roomId, """{"visibility":"private"}""")).ShouldBeOkJsonAsync();
        (await host.Client.GetVisibilityAsync(roomId)).ShouldBe("private");
    }

    [Fact]
    public async Task Visibility_defaults_to_public_and_must_be_public_or_private()
    {
        var roomId = await host.Client.CreateRoomAsync(alice);

        await (await host.Client.PutVisibilityAsync(alice, roomId, """{"visibility":"hidden"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await (await host.Client.PutVisibilityAsync(alice, roomId, """{"visibility":1}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        (await host.Client.GetVisibilityAsync(roomId)).ShouldBe("private");

        await (await host.Client.PutVisibilityAsync(alice, roomId, "{}")).ShouldBeOkJsonAsync();
        (await host.Client.GetVisibilityAsync(roomId)).ShouldBe("public");
    }

    [Fact]
    public async Task Members_need_power_over_the_canonical_alias_to_change_visibility()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat","power_level_content_override":{"users":{"@carol:example.org":50}}}""");
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.JoinAsync(carol, roomId);

        await (await host.Client.PutVisibilityAsync(bob, roomId, """{"visibility":"public"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        (await host.Client.GetVisibilityAsync(roomId)).ShouldBe("private");
        await (await host.Client.PutVisibilityAsync(carol, roomId, """{"visibility":"public"}""")).ShouldBeOkJsonAsync();
        (await host.Client.GetVisibilityAsync(roomId)).ShouldBe("public");
    }

    [Fact]
    public async Task Non_members_and_guests_cannot_change_visibility_but_admins_can()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");

        await (await host.Client.PutVisibilityAsync(bob, roomId, """{"visibility":"public"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await (await host.Client.PutVisibilityAsync(guest, roomId, """{"visibility":"public"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await (await host.Client.PutVisibilityAsync(null, roomId, """{"visibility":"public"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        (await host.Client.GetVisibilityAsync(roomId)).ShouldBe("private");

        await (await host.Client.PutVisibilityAsync(admin, roomId, """{"visibility":"public"}""")).ShouldBeOkJsonAsync();
        (await host.Client.GetVisibilityAsync(roomId)).ShouldBe("public");
    }

    [Fact]
    public async Task A_creator_who_left_can_no_longer_change_visibility()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await host.Client.JoinAsync(bob, roomId);
        await host.Client.LeaveAsync(alice, roomId);

        await (await host.Client.PutVisibilityAsync(alice, roomId, """{"visibility":"public"}""")).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }
}
