using System.Net.Http.Headers;
using System.Text;

namespace Ranvier.Server.Tests.Infrastructure;

internal static class HttpClientExtensions
{
    /// <summary>POSTs a JSON text, optionally with a bearer token.</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }

    /// <summary>GETs a path, optionally with a bearer token.</summary>
    public static Task<HttpResponseMessage> GetWithTokenAsync(this HttpClient client, string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }
}
