using System.Net;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api.UserData;

public sealed class CapabilitiesTests
{
    [Fact]
    public async Task Capabilities_list_what_users_may_change_and_every_room_version()
    {
        await using var host = await TestHost.StartAsync();
        var token = await host.CreateUserWithTokenAsync("alice");

        var caps = (await (await host.Client.GetWithTokenAsync("/_matrix/client/v3/capabilities", token)).ShouldBeOkJsonAsync()).GetProperty("capabilities");

        caps.GetProperty("m.change_password").GetProperty("enabled").GetBoolean().ShouldBeTrue();
        caps.GetProperty("m.set_displayname").GetProperty("enabled").GetBoolean().ShouldBeTrue();
        caps.GetProperty("m.set_avatar_url").GetProperty("enabled").GetBoolean().ShouldBeTrue();
        caps.GetProperty("m.profile_fields").GetProperty("enabled").GetBoolean().ShouldBeTrue();
        caps.GetProperty("m.3pid_changes").GetProperty("enabled").GetBoolean().ShouldBeFalse();
        caps.GetProperty("m.get_login_token").GetProperty("enabled").GetBoolean().ShouldBeTrue();
        var versions = caps.GetProperty("m.room_versions");
        versions.GetProperty("default").GetString().ShouldBe(RoomVersions.DefaultId);
        var available = versions.GetProperty("available").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        available.Keys.ShouldBe(Enumerable.Range(1, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ignoreOrder: true);
        available.Values.ShouldAllBe(v => v == "stable");
    }

    [Fact]
    public async Task Capabilities_need_an_access_token()
    {
        await using var host = await TestHost.StartAsync();

        await (await host.Client.GetAsync("/_matrix/client/v3/capabilities")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
