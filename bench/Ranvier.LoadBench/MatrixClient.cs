using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.LoadBench;

/// <summary>A registered account as the bench uses it: its user ID and one device's access token.</summary>
internal sealed record MatrixUser(string UserId, string Localpart, string AccessToken);

/// <summary>
/// The Client-Server API calls the bench makes, over one <see cref="HttpClient"/> shared by every simulated user.
/// Any homeserver answers them; nothing here knows Ranvier. A response other than 2xx throws
/// <see cref="HttpRequestException"/> naming the request, except 429, which is waited out as the server asks
/// (<c>retry_after_ms</c>) and counted in <see cref="Throttled"/>.
/// </summary>
internal sealed class MatrixClient : IDisposable
{
    private const int MaxRetries = 20;
    private readonly HttpClient http;
    private int throttled;

    public MatrixClient(Uri baseUrl)
    {
        // One handler for all users. Every long-polling /sync holds a connection for up to 30 s, so the pool must never
        // queue requests behind them: hundreds of clients means hundreds of connections.
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 10_000,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
        };
        http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
    }

    /// <summary>How many 429 responses were waited out (a homeserver that throttles distorts the figures).</summary>
    public int Throttled => Volatile.Read(ref throttled);

    /// <summary>
    /// POST /_matrix/client/v3/register with the user-interactive flow of an open server: the first call answers 401
    /// with a <c>session</c>, the second completes the <c>m.login.dummy</c> stage and returns the access token.
    /// </summary>
    public async Task<MatrixUser> RegisterAsync(string localpart, string password, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["username"] = localpart, ["password"] = password, ["initial_device_display_name"] = "loadbench" };
        var (status, first) = await SendRawAsync(HttpMethod.Post, "/_matrix/client/v3/register", null, body.ToJsonString(), cancellationToken);
        using (first)
        {
            if (status == HttpStatusCode.OK)
            {
                return ReadSession(first.RootElement, localpart);
            }

            if (status != HttpStatusCode.Unauthorized || !first.RootElement.TryGetProperty("session", out var session))
            {
                throw Failure(HttpMethod.Post, "/_matrix/client/v3/register", status, first);
            }

            body["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = session.GetString() };
        }

        using var done = await SendAsync(HttpMethod.Post, "/_matrix/client/v3/register", null, body.ToJsonString(), cancellationToken);
        return ReadSession(done.RootElement, localpart);
    }

    /// <summary>POST /_matrix/client/v3/login with <c>m.login.password</c> and an <c>m.id.user</c> identifier: a new device.</summary>
    public async Task<MatrixUser> LoginAsync(string localpart, string password, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = localpart },
            ["password"] = password,
            ["initial_device_display_name"] = "loadbench login",
        };
        using var response = await SendAsync(HttpMethod.Post, "/_matrix/client/v3/login", null, body.ToJsonString(), cancellationToken);
        return ReadSession(response.RootElement, localpart);
    }

    /// <summary>POST /_matrix/client/v3/logout: ends the device the token belongs to.</summary>
    public async Task LogoutAsync(MatrixUser user, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(HttpMethod.Post, "/_matrix/client/v3/logout", user.AccessToken, "{}", cancellationToken);
    }

    /// <summary>POST /_matrix/client/v3/createRoom with a preset and a name; returns the room ID.</summary>
    public async Task<string> CreateRoomAsync(MatrixUser user, string preset, string name, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["preset"] = preset, ["name"] = name };
        using var created = await SendAsync(HttpMethod.Post, "/_matrix/client/v3/createRoom", user.AccessToken, body.ToJsonString(), cancellationToken);
        return created.RootElement.GetProperty("room_id").GetString()!;
    }

    /// <summary>POST /_matrix/client/v3/rooms/{roomId}/join.</summary>
    public async Task JoinAsync(MatrixUser user, string roomId, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(HttpMethod.Post, $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/join", user.AccessToken, "{}", cancellationToken);
    }

    /// <summary>PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}.</summary>
    public async Task SendMessageAsync(MatrixUser user, string roomId, string txnId, JsonObject content, CancellationToken cancellationToken)
    {
        var path = $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{Uri.EscapeDataString(txnId)}";
        using var _ = await SendAsync(HttpMethod.Put, path, user.AccessToken, content.ToJsonString(), cancellationToken);
    }

    /// <summary>GET /_matrix/client/v3/sync, parsed.</summary>
    public Task<JsonDocument> SyncAsync(MatrixUser user, string? since, int timeoutMs, string? filter, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, SyncPath(since, timeoutMs, filter), user.AccessToken, null, cancellationToken);

    /// <summary>GET /_matrix/client/v3/sync, the body read to its end but not parsed (what an initial sync costs the server).</summary>
    public async Task<byte[]> SyncBytesAsync(MatrixUser user, string? since, int timeoutMs, string? filter, CancellationToken cancellationToken)
    {
        var path = SyncPath(since, timeoutMs, filter);
        using var request = Request(HttpMethod.Get, path, user.AccessToken, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}", null, response.StatusCode);
        }

        return body;
    }

    /// <summary>GET /_matrix/client/v3/rooms/{roomId}/messages backwards from <paramref name="from"/> (or the end when null).</summary>
    public Task<JsonDocument> MessagesAsync(MatrixUser user, string roomId, string? from, int limit, CancellationToken cancellationToken)
    {
        var path = $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/messages?dir=b&limit={limit.ToString(CultureInfo.InvariantCulture)}";
        if (from is not null)
        {
            path += "&from=" + Uri.EscapeDataString(from);
        }

        return SendAsync(HttpMethod.Get, path, user.AccessToken, null, cancellationToken);
    }

    /// <summary>GET /_matrix/client/versions: whether the server answers at all (no error when it does not).</summary>
    public async Task<bool> AnswersVersionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/_matrix/client/versions", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The implementation's name and version from GET /_matrix/federation/v1/version, when the server offers it there.</summary>
    public async Task<string?> ServerVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (status, document) = await SendRawAsync(HttpMethod.Get, "/_matrix/federation/v1/version", null, null, cancellationToken);
            using (document)
            {
                return status == HttpStatusCode.OK && document.RootElement.TryGetProperty("server", out var server)
                    ? $"{Text(server, "name")} {Text(server, "version")}".Trim()
                    : null;
            }
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            return null;
        }

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>Sends a request and returns the parsed body; throws unless the status is 2xx.</summary>
    public async Task<JsonDocument> SendAsync(HttpMethod method, string path, string? token, string? json, CancellationToken cancellationToken)
    {
        var (status, document) = await SendRawAsync(method, path, token, json, cancellationToken);
        if ((int)status is < 200 or > 299)
        {
            using (document)
            {
                throw Failure(method, path, status, document);
            }
        }

        return document;
    }

    public void Dispose() => http.Dispose();

    private async Task<(HttpStatusCode Status, JsonDocument Body)> SendRawAsync(
        HttpMethod method, string path, string? token, string? json, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = Request(method, path, token, json);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            }
            catch (JsonException e)
            {
                throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} with a body that is not JSON", e, response.StatusCode);
            }

            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == MaxRetries)
            {
                return (response.StatusCode, document);
            }

            using (document)
            {
                Interlocked.Increment(ref throttled);
                var wait = document.RootElement.TryGetProperty("retry_after_ms", out var ms) && ms.TryGetInt32(out var value) ? value : 1000;
                await Task.Delay(Math.Clamp(wait, 10, 10_000), cancellationToken);
            }
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token, string? json)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static string SyncPath(string? since, int timeoutMs, string? filter)
    {
        var path = "/_matrix/client/v3/sync?timeout=" + timeoutMs.ToString(CultureInfo.InvariantCulture);
        if (since is not null)
        {
            path += "&since=" + Uri.EscapeDataString(since);
        }

        if (filter is not null)
        {
            path += "&filter=" + Uri.EscapeDataString(filter);
        }

        return path;
    }

    private static MatrixUser ReadSession(JsonElement body, string localpart) =>
        new(body.GetProperty("user_id").GetString()!, localpart, body.GetProperty("access_token").GetString()!);

    private static HttpRequestException Failure(HttpMethod method, string path, HttpStatusCode status, JsonDocument body) =>
        new($"{method} {path}: {(int)status} {body.RootElement.GetRawText()}", null, status);
}
