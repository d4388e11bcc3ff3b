using Ranvier.Server.Tests.Infrastructure;
using static Ranvier.Server.Tests.Api.AccountTestClient;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class DeactivationLeavesRoomsTests
{
    [Fact]
    public async Task A_deactivated_user_leaves_joined_rooms_and_declines_invites()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org\nregistration:\n  mode: open\n");
        var (alice, _) = await RegisterAsync(host, "alice", "pw");
        var bob = await host.CreateUserWithTokenAsync("bob");
        var joined = await host.Client.CreateRoomAsync(bob, """{"preset":"public_chat"}""");
        var invited = await host.Client.CreateRoomAsync(bob, """{"invite":["@alice:example.org"]}""");
        await host.Client.JoinAsync(alice, joined);

        await (await host.Client.PostJsonAsync("/_matrix/client/v3/account/deactivate", $"{{\"auth\":{PasswordAuth("alice", "pw")}}}", alice)).ShouldBeOkJsonAsync();

        (await host.Client.GetStateContentAsync(bob, joined, "m.room.member", "@alice:example.org")).GetProperty("membership").GetString().ShouldBe("leave");
        (await host.Client.GetStateContentAsync(bob, invited, "m.room.member", "@alice:example.org")).GetProperty("membership").GetString().ShouldBe("leave");
    }
}
