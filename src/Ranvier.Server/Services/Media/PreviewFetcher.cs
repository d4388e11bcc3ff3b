using System.Net;
using System.Net.Http.Headers;
using Ranvier.Server.Configuration;

namespace Ranvier.Server.Services.Media;

/// <summary>An outbound fetch refused because every address of the host is denied.</summary>
public sealed class AddressDeniedException : Exception
{
    public AddressDeniedException(string message)
        : base(message)
    {
    }

    public AddressDeniedException()
    {
    }

    public AddressDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A fetch that failed in a way worth telling the client about (bad status, too many redirects, too large).</summary>
public sealed class FetchFailedException : Exception
{
    public FetchFailedException(string message)
        : base(message)
    {
    }

    public FetchFailedException()
    {
    }

    public FetchFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>What a fetch returned: the final URL (after redirects), its content type, and up to the byte cap of its body.</summary>
internal sealed record FetchedResource(Uri Url, string? ContentType, string? Charset, byte[] Body, bool Truncated);

/// <summary>
/// Fetches pages and images for URL previews. The connection step resolves the host itself and connects only
/// to addresses <see cref="OutboundAddressPolicy"/> allows, so the check covers what is actually dialled (no
/// DNS rebinding between check and connect). Redirects are followed here, a bounded number of times, and each
/// hop goes through the same connection step. No proxy, no cookies.
/// </summary>
internal sealed class PreviewFetcher : IDisposable
{
    private readonly HttpClient client;
    private readonly OutboundAddressPolicy policy;
    private readonly int maxRedirects;

    public PreviewFetcher(RanvierOptions options)
    {
        var preview = options.Media.UrlPreview;
        policy = new OutboundAddressPolicy(preview);
        maxRedirects = preview.MaxRedirects;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectCallback = ConnectAsync,
            ConnectTimeout = preview.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
        };
        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Ranvier", "0.1"));
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("(URL preview)"));
    }

    /// <summary>
    /// GETs <paramref name="url"/>, following redirects, reading at most <paramref name="maxBytes"/> of the body
    /// (more is cut off and flagged). Throws <see cref="AddressDeniedException"/> when a hop's host has only
    /// denied addresses and <see cref="FetchFailedException"/> for any other failure of the fetch.
    /// </summary>
    public async Task<FetchedResource> FetchAsync(Uri url, long maxBytes, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            if (url.Scheme is not ("http" or "https"))
            {
                throw new FetchFailedException($"Only http and https URLs can be previewed, not {url.Scheme}");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("text/html, application/xhtml+xml, image/*;q=0.9, */*;q=0.5");
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e) when (FindDenial(e) is { } denial)
            {
                throw denial;
            }
            catch (HttpRequestException e)
            {
                throw new FetchFailedException($"Could not fetch the URL: {e.HttpRequestError}", e);
            }

            using (response)
            {
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= maxRedirects)
                    {
                        throw new FetchFailedException("Too many redirects");
                    }

                    url = new Uri(url, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new FetchFailedException($"The URL answered {(int)response.StatusCode}");
                }

                var (body, truncated) = await ReadCappedAsync(response.Content, maxBytes, cancellationToken);
                var type = response.Content.Headers.ContentType;
                return new FetchedResource(url, type?.MediaType, type?.CharSet, body, truncated);
            }
        }
    }

    public void Dispose() => client.Dispose();

    private static AddressDeniedException? FindDenial(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is AddressDeniedException denial)
            {
                return denial;
            }
        }

        return null;
    }

    private static async Task<(byte[] Body, bool Truncated)> ReadCappedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            var room = maxBytes - buffer.Length;
            if (read > room)
            {
                buffer.Write(chunk, 0, (int)room);
                return (buffer.ToArray(), true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }

    private ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        policy.ConnectAsync(context.DnsEndPoint, "may not be previewed", cancellationToken);
}
