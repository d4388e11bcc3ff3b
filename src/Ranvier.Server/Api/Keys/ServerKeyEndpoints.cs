using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Server.Configuration;
using Ranvier.Server.Services.Keys;

namespace Ranvier.Server.Api.Keys;

/// <summary>Server-server API "Publishing Keys": <c>GET /_matrix/key/v2/server</c>.</summary>
internal static class ServerKeyEndpoints
{
    public static void MapServerKeyEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/_matrix/key/v2/server", GetServerKeys);

    /// <summary>
    /// GET /_matrix/key/v2/server — this server's verify keys, signed by each of them, valid for the configured
    /// period from now. Signed per request: an ed25519 signature costs tens of microseconds.
    /// </summary>
    private static JsonObject GetServerKeys(RanvierOptions options, ServerKeyring keyring, TimeProvider time)
    {
        var current = keyring.Current;
        var validUntil = time.GetUtcNow().Add(options.KeyValidity).ToUnixTimeMilliseconds();
        var response = new JsonObject
        {
            ["server_name"] = options.ServerName,
            ["valid_until_ts"] = validUntil,
            ["verify_keys"] = new JsonObject
            {
                [current.KeyId.ToString()] = new JsonObject { ["key"] = current.PublicKeyBase64 },
            },
            ["old_verify_keys"] = new JsonObject(),
        };
        JsonSigning.Sign(response, options.ServerName, current);
        return response;
    }
}
