using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Api;

/// <summary>Client steps the account-management tests share: register, log in, send JSON with any method, password UIA.</summary>
internal static class AccountTestClient
{
    public const string Open = "server_name: example.org\nregistration:\n  mode: open\n";

    public static async Task<(string Token, string DeviceId)> RegisterAsync(TestHost host, string user, string password)
    {
        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/register",
            $"{{\"username\":\"{user}\",\"password\":\"{password}\",\"auth\":{{\"type\":\"m.login.dummy\"}}}}")).ShouldBeOkJsonAsync();
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("device_id").GetString()!);
    }

    public static async Task<(string Token, string DeviceId)> LoginAsync(TestHost host, string user, string password)
    {
        var body = await (await host.Client.PostJsonAsync("/_matrix/client/v3/login", LoginJson(user, password))).ShouldBeOkJsonAsync();
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("device_id").GetString()!);
    }

    public static string LoginJson(string user, string password) =>
        $"{{\"type\":\"m.login.password\",\"identifier\":{{\"type\":\"m.id.user\",\"user\":\"{user}\"}},\"password\":\"{password}\"}}";

    /// <summary>An auth dict for the m.login.password stage.</summary>
    public static string PasswordAuth(string user, string password, string? session = null) =>
        $"{{\"type\":\"m.login.password\",\"identifier\":{{\"type\":\"m.id.user\",\"user\":\"{user}\"}},\"password\":\"{password}\"" +
        (session is null ? "" : $",\"session\":\"{session}\"") + "}";

    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string? json, string token)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    /// <summary>Asserts a UIA 401 offering the password flow; returns the body.</summary>
    public static async Task<JsonElement> ShouldBeUiaChallengeAsync(this HttpResponseMessage response, string? errcode = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized, text);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        body.GetProperty("flows")[0].GetProperty("stages")[0].GetString().ShouldBe("m.login.password");
        body.GetProperty("session").GetString().ShouldNotBeNullOrEmpty();
        if (errcode is null)
        {
            body.TryGetProperty("errcode", out _).ShouldBeFalse();
        }
        else
        {
            body.GetProperty("errcode").GetString().ShouldBe(errcode);
        }

        return body;
    }

    public static async Task<bool> TokenWorksAsync(TestHost host, string token) =>
        (await host.Client.GetWithTokenAsync("/_matrix/client/v3/account/whoami", token)).IsSuccessStatusCode;
}
