using System.Collections;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Configuration;
using Ranvier.Server.Hosting;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Accounts;

namespace Ranvier.LoadBench;

/// <summary>
/// The real server (Kestrel, SQLite, every service) started in this process on a free 127.0.0.1 port with a temporary
/// data directory, and an HTTP client for it. Users are put straight into the store (registration is not what is
/// measured); everything else goes through HTTP.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string directory;

    private BenchServer(WebApplication app, string directory, Uri baseAddress, string serverName)
    {
        this.app = app;
        this.directory = directory;
        ServerName = serverName;
        // Every long-poll holds a connection: the pool must not queue them.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 10_000, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        Http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
    }

    public HttpClient Http { get; }

    public string ServerName { get; }

    public static async Task<BenchServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ranvier-loadbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var yaml = $"""
            server_name: "localhost:{port}"
            data_directory: "{directory}"
            listen:
              address: "127.0.0.1"
              port: {port}
            logging:
              level: warning
            """;
        var options = ConfigLoader.FromYaml(yaml, null, new Hashtable());
        var builder = await RanvierHost.CreateBuilderAsync(options);
        var app = RanvierHost.Build(builder);
        await app.StartAsync();
        return new BenchServer(app, directory, new Uri($"http://127.0.0.1:{port}"), options.ServerName);
    }

    /// <summary>Creates a user with one device and returns its access token.</summary>
    public async Task<string> CreateUserAsync(string localpart)
    {
        var accounts = app.Services.GetRequiredService<IAccountStore>();
        var userId = $"@{localpart}:{ServerName}";
        await accounts.CreateUserAsync(new UserRecord(userId, null, AccountKind.User, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await accounts.CreateDeviceAsync(new DeviceRecord(userId, "BENCH", null));
        var token = AccessTokens.Generate();
        await accounts.StoreAccessTokenAsync(new AccessTokenRecord(AccessTokens.Hash(token), userId, "BENCH"));
        return token;
    }

    public string UserId(string localpart) => $"@{localpart}:{ServerName}";

    /// <summary>Sends a message through the room event pipeline directly (what PUT /send does after parsing): for seeding.</summary>
    public Task SeedMessageAsync(string sender, string roomId, string body, CancellationToken cancellationToken) =>
        app.Services.GetRequiredService<RoomEventPipeline>().SendAsync(
            new EventDraft(roomId, "m.room.message", null, sender, new JsonObject { ["msgtype"] = "m.text", ["body"] = body }), cancellationToken);

    /// <summary>Sends a request with a JSON body (or none) and returns the parsed response; throws unless 200.</summary>
    public async Task<JsonDocument> CallAsync(HttpMethod method, string path, string token, string? json = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = document.RootElement.GetRawText();
            document.Dispose();
            throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return document;
    }

    public async Task<string> CreateRoomAsync(string token, string bodyJson)
    {
        using var created = await CallAsync(HttpMethod.Post, "/_matrix/client/v3/createRoom", token, bodyJson);
        return created.RootElement.GetProperty("room_id").GetString()!;
    }

    public async Task JoinAsync(string token, string roomId)
    {
        using var _ = await CallAsync(HttpMethod.Post, $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/join", token, "{}");
    }

    public async Task SendMessageAsync(string token, string roomId, string txnId, string contentJson, CancellationToken cancellationToken = default)
    {
        using var _ = await CallAsync(
            HttpMethod.Put, $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{txnId}", token, contentJson, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is not worth failing the run for.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
