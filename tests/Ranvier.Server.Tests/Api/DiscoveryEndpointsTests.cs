using System.Net;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

public class DiscoveryEndpointsTests
{
    [Fact]
    public async Task Versions_lists_v1_19_and_an_unstable_features_map()
    {
        await using var host = await TestHost.StartAsync();

        var body = await (await host.Client.GetAsync("/_matrix/client/versions")).ShouldBeOkJsonAsync();

        body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()).ShouldContain("v1.19");
        body.GetProperty("unstable_features").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Object);
    }

    [Fact]
    public async Task Well_known_client_defaults_to_the_public_base_url()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org\npublic_baseurl: https://matrix.example.org/\n");

        var body = await (await host.Client.GetAsync("/.well-known/matrix/client")).ShouldBeOkJsonAsync();

        body.GetProperty("m.homeserver").GetProperty("base_url").GetString().ShouldBe("https://matrix.example.org");
    }

    [Fact]
    public async Task Without_a_public_base_url_well_known_client_names_the_origin_the_client_used()
    {
        await using var host = await TestHost.StartAsync("server_name: example.org\n");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/matrix/client");
        request.Headers.Host = "127.0.0.1:45678";

        var body = await (await host.Client.SendAsync(request)).ShouldBeOkJsonAsync();

        body.GetProperty("m.homeserver").GetProperty("base_url").GetString().ShouldBe("http://127.0.0.1:45678");
    }

    [Fact]
    public async Task Well_known_client_prefers_the_configured_url()
    {
        await using var host = await TestHost.StartAsync("well_known:\n  client_base_url: https://chat.example.org\n");

        var body = await (await host.Client.GetAsync("/.well-known/matrix/client")).ShouldBeOkJsonAsync();

        body.GetProperty("m.homeserver").GetProperty("base_url").GetString().ShouldBe("https://chat.example.org");
    }

    [Fact]
    public async Task Well_known_server_is_404_unless_delegation_is_configured()
    {
        await using (var plain = await TestHost.StartAsync())
        {
            await (await plain.Client.GetAsync("/.well-known/matrix/server")).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        }

        await using var delegated = await TestHost.StartAsync("well_known:\n  server_delegation: matrix.example.org:443\n");
        var body = await (await delegated.Client.GetAsync("/.well-known/matrix/server")).ShouldBeOkJsonAsync();
        body.GetProperty("m.server").GetString().ShouldBe("matrix.example.org:443");
    }

    [Fact]
    public async Task Federation_version_names_the_server()
    {
        await using var host = await TestHost.StartAsync();

        var body = await (await host.Client.GetAsync("/_matrix/federation/v1/version")).ShouldBeOkJsonAsync();

        body.GetProperty("server").GetProperty("name").GetString().ShouldBe("Ranvier");
        body.GetProperty("server").GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
    }
}
