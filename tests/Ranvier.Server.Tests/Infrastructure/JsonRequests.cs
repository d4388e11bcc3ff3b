using System.Net.Http.Headers;
using System.Text;

namespace Ranvier.Server.Tests.Infrastructure;

/// <summary>Requests with any method, a JSON body or none, and an optional bearer token.</summary>
internal static class JsonRequests
{
    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string? json, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, string json, string? token) =>
        client.SendJsonAsync(HttpMethod.Put, path, json, token);

    public static Task<HttpResponseMessage> DeleteWithTokenAsync(this HttpClient client, string path, string? token) =>
        client.SendJsonAsync(HttpMethod.Delete, path, null, token);
}
