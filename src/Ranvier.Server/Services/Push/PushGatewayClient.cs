using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Services.Media;

namespace Ranvier.Server.Services.Push;

/// <summary>What one POST to a push gateway came to.</summary>
/// <param name="Delivered">The gateway answered 2xx.</param>
/// <param name="Rejected">The pushkeys the gateway's <c>rejected</c> list names (spec: push gateway API, the 200 response).</param>
/// <param name="Failure">Why it was not delivered, for the log.</param>
public sealed record PushOutcome(bool Delivered, IReadOnlyList<string> Rejected, string? Failure)
{
    public static PushOutcome Failed(string reason) => new(false, [], reason);
}

/// <summary>
/// Sends notifications to push gateways (spec: push gateway API, POST /_matrix/push/v1/notify). Connections go only
/// to addresses the push <see cref="OutboundAddressPolicy"/> allows (the <c>push:</c> ranges), resolved and checked
/// at connect time; no redirects, no proxy, no cookies, each request bounded by <see cref="PushOptions.Timeout"/>.
/// </summary>
public sealed class PushGatewayClient : IDisposable
{
    /// <summary>Far more than a <c>rejected</c> list of a single pushkey needs.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly HttpClient client;
    private readonly TimeSpan timeout;

    public PushGatewayClient(RanvierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Policy = new OutboundAddressPolicy(options.Push.Denylist, options.Push.Allowlist);
        timeout = options.Push.Timeout;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = (context, cancellationToken) => Policy.ConnectAsync(context.DnsEndPoint, "is not allowed for push gateways", cancellationToken),
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Ranvier", "0.1"));
    }

    /// <summary>Which gateway addresses may be reached.</summary>
    public OutboundAddressPolicy Policy { get; }

    /// <summary>POSTs <paramref name="notification"/> to <paramref name="url"/>. Never throws for the gateway's failures: they are the outcome.</summary>
    public async Task<PushOutcome> SendAsync(Uri url, JsonObject notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(notification);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(notification.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                return PushOutcome.Failed($"the gateway answered {(int)response.StatusCode}");
            }

            // The answer is small ({"rejected": [...]}); a gateway that sends something else, or too much, still accepted the push.
            var body = await ReadCappedAsync(response.Content, deadline.Token);
            return new PushOutcome(true, body is null ? [] : ReadRejected(body), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PushOutcome.Failed($"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            {
                if (inner is AddressDeniedException denied)
                {
                    return PushOutcome.Failed(denied.Message);
                }
            }

            return PushOutcome.Failed($"the request failed: {e.HttpRequestError}");
        }
    }

    public void Dispose() => client.Dispose();

    /// <summary>The answer's text, or null when it is over <see cref="MaxAnswerBytes"/> (a gateway cannot make the server buffer more).</summary>
    private static async Task<string?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxAnswerBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length > MaxAnswerBytes ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static string[] ReadRejected(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject { } answer && answer["rejected"] is JsonArray rejected)
            {
                return [.. rejected.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>())];
            }
        }
        catch (JsonException)
        {
            // Not JSON: nothing rejected.
        }

        return [];
    }
}
