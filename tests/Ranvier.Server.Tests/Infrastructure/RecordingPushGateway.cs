using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ranvier.Server.Tests.Infrastructure;

/// <summary>
/// A push gateway (spec: push gateway API, POST /_matrix/push/v1/notify) on a real Kestrel listener on 127.0.0.1,
/// recording every request it answers. It can answer as a gateway that is down (<see cref="Down"/>: 503), reject
/// pushkeys, or stop listening altogether and start again on the same port.
/// </summary>
public sealed class RecordingPushGateway : IAsyncDisposable
{
    private readonly Channel<JsonObject> delivered = Channel.CreateUnbounded<JsonObject>();
    private readonly Lock gate = new();
    private readonly List<(JsonObject Body, int Status)> requests = [];
    private WebApplication? app;

    private RecordingPushGateway()
    {
    }

    public int Port { get; private set; }

    /// <summary>The notify URL, at the address (127.0.0.1, or a host name such as localhost) the test names.</summary>
    public string Url(string host = "127.0.0.1") => $"http://{host}:{Port}/_matrix/push/v1/notify";

    /// <summary>Answer 503, as a gateway that is down would.</summary>
    public bool Down { get; set; }

    /// <summary>Pushkeys listed in <c>rejected</c> of every 200 answer.</summary>
    public IReadOnlyList<string> Rejected { get; set; } = [];

    /// <summary>Characters of padding added to every 200 answer (a gateway answering far too much).</summary>
    public int AnswerPadding { get; set; }

    /// <summary>Every request so far with the status it was answered, in arrival order.</summary>
    public IReadOnlyList<(JsonObject Body, int Status)> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>The bodies answered 200, in arrival order.</summary>
    public IReadOnlyList<JsonObject> Delivered => [.. Requests.Where(r => r.Status == 200).Select(r => r.Body)];

    public static async Task<RecordingPushGateway> StartAsync()
    {
        var gateway = new RecordingPushGateway();
        await gateway.ListenAsync(0);
        return gateway;
    }

    /// <summary>The next request answered 200 (waits for it, at most ten seconds).</summary>
    public async Task<JsonObject> NextDeliveredAsync() =>
        await delivered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Stops listening: connections are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public Task RestartAsync() => ListenAsync(Port);

    public Task DisposeAsync() => StopAsync();

    ValueTask IAsyncDisposable.DisposeAsync() => new(StopAsync());

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var web = builder.Build();
        web.MapPost("/_matrix/push/v1/notify", NotifyAsync);
        await web.StartAsync();
        Port = new Uri(web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        app = web;
    }

    private async Task<IResult> NotifyAsync(HttpRequest request)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        var status = Down ? 503 : 200;
        lock (gate)
        {
            requests.Add((body, status));
        }

        if (status != 200)
        {
            return Results.StatusCode(status);
        }

        delivered.Writer.TryWrite(body);
        var rejected = new JsonArray([.. Rejected.Select(k => (JsonNode)JsonValue.Create(k))]);
        var answer = new JsonObject { ["rejected"] = rejected };
        if (AnswerPadding > 0)
        {
            answer["padding"] = new string('x', AnswerPadding);
        }

        return Results.Json(answer);
    }
}
