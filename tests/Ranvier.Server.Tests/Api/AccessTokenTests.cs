using System.Net;
using System.Net.Http.Headers;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Api;

public class AccessTokenTests
{
    [Theory]
    [InlineData("/_matrix/client/v3/account/whoami")]
    [InlineData("/_matrix/client/r0/account/whoami")]
    public async Task Whoami_names_the_owner_of_a_bearer_token(string path)
    {
        await using var host = await TestHost.StartAsync("server_name: example.org\n");
        var token = await host.CreateUserWithTokenAsync("alice");

        var body = await (await SendAsync(host, path, bearer: token)).ShouldBeOkJsonAsync();

        body.GetProperty("user_id").GetString().ShouldBe("@alice:example.org");
        body.GetProperty("device_id").GetString().ShouldBe("DEVICEALICE");
        body.GetProperty("is_guest").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task The_deprecated_query_parameter_is_accepted()
    {
        await using var host = await TestHost.StartAsync();
        var token = await host.CreateUserWithTokenAsync("bob");

        var body = await (await SendAsync(host, "/_matrix/client/v3/account/whoami?access_token=" + Uri.EscapeDataString(token))).ShouldBeOkJsonAsync();

        body.GetProperty("user_id").GetString().ShouldBe("@bob:localhost:8008");
    }

    [Fact]
    public async Task Guests_are_marked()
    {
        await using var host = await TestHost.StartAsync();
        var token = await host.CreateUserWithTokenAsync("guest1", AccountKind.Guest);

        var body = await (await SendAsync(host, "/_matrix/client/v3/account/whoami", bearer: token)).ShouldBeOkJsonAsync();

        body.GetProperty("is_guest").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task No_token_is_401_M_MISSING_TOKEN()
    {
        await using var host = await TestHost.StartAsync();

        await (await SendAsync(host, "/_matrix/client/v3/account/whoami")).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task A_non_bearer_authorization_header_is_401_M_MISSING_TOKEN()
    {
        await using var host = await TestHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/v3/account/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWxpY2U6cGFzcw==");

        await (await host.Client.SendAsync(request)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task An_unknown_token_is_401_M_UNKNOWN_TOKEN_without_soft_logout()
    {
        await using var host = await TestHost.StartAsync();
        await host.CreateUserWithTokenAsync("carol");

        var body = await (await SendAsync(host, "/_matrix/client/v3/account/whoami", bearer: "rvat_not-a-real-token"))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");

        body.GetProperty("soft_logout").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task An_expired_token_is_401_M_UNKNOWN_TOKEN_with_soft_logout()
    {
        await using var host = await TestHost.StartAsync();
        var token = await host.CreateUserWithTokenAsync("dave", expiresTs: DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds());

        var body = await (await SendAsync(host, "/_matrix/client/v3/account/whoami", bearer: token))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");

        body.GetProperty("soft_logout").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_token_of_a_deactivated_account_is_refused()
    {
        await using var host = await TestHost.StartAsync();
        var token = await host.CreateUserWithTokenAsync("erin", deactivated: true);

        await (await SendAsync(host, "/_matrix/client/v3/account/whoami", bearer: token)).ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
    }

    private static Task<HttpResponseMessage> SendAsync(TestHost host, string path, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return host.Client.SendAsync(request);
    }
}
