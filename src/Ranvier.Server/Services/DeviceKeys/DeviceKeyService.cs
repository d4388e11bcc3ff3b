using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.DeviceKeys;

/// <summary>
/// POST /keys/upload, /keys/query and /keys/claim (spec: client-server API "Key Distribution", keys.yaml). Local users
/// only: users of other servers are answered in <c>failures</c> under their server name until federation exists. Every
/// request is validated whole before anything is written.
/// </summary>
public sealed class DeviceKeyService(
    RanvierOptions options, IDeviceKeyStore store, StreamNotifier notifier, IEnumerable<IKeyQueryExtension> queryExtensions)
{
    /// <summary>The one-time key algorithm clients rely on seeing counted, even at zero (Olm's signed_curve25519).</summary>
    public const string SignedCurve25519 = "signed_curve25519";

    private const string UnstableFallbackKeys = "org.matrix.msc2732.fallback_keys";

    private readonly ServerName _serverName = ServerName.Parse(options.ServerName);
    private readonly IKeyQueryExtension[] _queryExtensions = [.. queryExtensions];

    /// <summary>POST /keys/upload from the requesting device; returns <c>one_time_key_counts</c>.</summary>
    public async Task<JsonObject> UploadAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var upload = await ReadUploadAsync(context.UserId, context.DeviceId, body, cancellationToken);
        var result = await StoreUploadAsync(upload, cancellationToken);
        switch (result.Outcome)
        {
            case DeviceKeyUploadOutcome.UnknownDevice:
                throw MatrixError.UnknownToken("The device of this access token no longer exists");
            case DeviceKeyUploadOutcome.OneTimeKeyConflict:
                throw OneTimeKeyConflict(result);
        }

        return new JsonObject { ["one_time_key_counts"] = CountsJson(result.OneTimeKeyCounts) };
    }

    /// <summary>
    /// Validates the key fields of an upload body (<c>device_keys</c>, <c>one_time_keys</c>, <c>fallback_keys</c>) as
    /// the keys of <paramref name="userId"/>'s device <paramref name="deviceId"/>, writing nothing. Also used for the
    /// keys a dehydrated device (MSC3814) is uploaded with, which belong to that device rather than the requesting one.
    /// </summary>
    public async Task<DeviceKeyUpload> ReadUploadAsync(string userId, string deviceId, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        string? deviceKeysJson = null;
        byte[]? publicKey = null;
        switch (body["device_keys"])
        {
            case null:
                break;
            case JsonObject deviceKeys:
                publicKey = DeviceKeyValidation.CheckDeviceKeys(deviceKeys, userId, deviceId);
                deviceKeysJson = DeviceKeyValidation.Canonical(deviceKeys, "device_keys");
                break;
            default:
                throw MatrixError.BadJson("device_keys must be an object");
        }

        publicKey ??= await StoredSigningKeyAsync(userId, deviceId, cancellationToken);
        var oneTimeKeys = DeviceKeyValidation.ReadKeys(body["one_time_keys"], "one_time_keys", userId, deviceId, publicKey);
        var fallbackNode = body["fallback_keys"] ?? body[UnstableFallbackKeys];
        var fallbackKeys = DeviceKeyValidation.ReadKeys(fallbackNode, "fallback_keys", userId, deviceId, publicKey);
        if (fallbackKeys.GroupBy(k => k.Algorithm, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw MatrixError.InvalidParam("fallback_keys may hold at most one key per algorithm");
        }

        return new DeviceKeyUpload(userId, deviceId, deviceKeysJson, oneTimeKeys, fallbackKeys);
    }

    /// <summary>Stores an upload <see cref="ReadUploadAsync"/> made and announces a device-list change; the caller answers the outcome.</summary>
    public async Task<DeviceKeyUploadResult> StoreUploadAsync(DeviceKeyUpload upload, CancellationToken cancellationToken)
    {
        var result = await store.UploadAsync(upload, cancellationToken);
        if (result.DeviceListPosition is { } position)
        {
            notifier.Advance(position);
        }

        return result;
    }

    /// <summary>The 400 for an upload whose one-time key clashes with a stored one.</summary>
    public static MatrixError OneTimeKeyConflict(DeviceKeyUploadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return MatrixError.InvalidParam($"The one-time key {result.ConflictingKey} is already uploaded with different content");
    }

    /// <summary>POST /keys/query.</summary>
    public async Task<JsonObject> QueryAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var asked = ReadUserMap(body, "device_keys", value => value is JsonArray array && array.All(d => JsonNodeValues.GetString(d) is not null)
            ? array.Select(d => JsonNodeValues.GetString(d)!).ToList()
            : throw MatrixError.BadJson("device_keys values must be arrays of device IDs"));
        CheckTimeout(body);

        var deviceKeys = new JsonObject();
        var failures = new JsonObject();
        var local = new List<(string UserId, IReadOnlyList<string> DeviceIds)>();
        foreach (var (userId, devices) in asked)
        {
            if (IsLocal(userId, failures))
            {
                local.Add((userId, devices));
                deviceKeys[userId] = new JsonObject();
            }
        }

        foreach (var keys in await store.QueryAsync(local, cancellationToken))
        {
            var json = StoredJsonObject(keys.KeyJson);
            var unsigned = json["unsigned"] as JsonObject ?? [];
            json["unsigned"] = unsigned;
            if (keys.DisplayName is not null)
            {
                unsigned["device_display_name"] = keys.DisplayName;
            }

            ((JsonObject)deviceKeys[keys.UserId]!)[keys.DeviceId] = json;
        }

        var response = new JsonObject { ["device_keys"] = deviceKeys, ["failures"] = failures };
        var users = local.Select(u => u.UserId).ToList();
        foreach (var extension in _queryExtensions)
        {
            await extension.ExtendAsync(context.UserId, users, response, cancellationToken);
        }

        return response;
    }

    /// <summary>POST /keys/claim.</summary>
    public async Task<JsonObject> ClaimAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var asked = ReadUserMap(body, "one_time_keys", value => value is JsonObject devices && devices.All(d => JsonNodeValues.GetString(d.Value) is not null)
            ? devices.Select(d => (Device: d.Key, Algorithm: JsonNodeValues.GetString(d.Value)!)).ToList()
            : throw MatrixError.BadJson("one_time_keys values must be objects of device ID to algorithm"));
        CheckTimeout(body);

        var failures = new JsonObject();
        var claims = new List<KeyClaim>();
        foreach (var (userId, devices) in asked)
        {
            if (IsLocal(userId, failures))
            {
                claims.AddRange(devices.Select(d => new KeyClaim(userId, d.Device, d.Algorithm)));
            }
        }

        var oneTimeKeys = new JsonObject();
        foreach (var key in await store.ClaimAsync(claims, cancellationToken))
        {
            var user = oneTimeKeys[key.UserId] as JsonObject ?? (JsonObject)(oneTimeKeys[key.UserId] = new JsonObject());
            user[key.DeviceId] = new JsonObject { [$"{key.Algorithm}:{key.KeyId}"] = JsonNode.Parse(key.Json) };
        }

        return new JsonObject { ["one_time_keys"] = oneTimeKeys, ["failures"] = failures };
    }

    /// <summary>The <c>one_time_key_counts</c> / <c>device_one_time_keys_count</c> object: signed_curve25519 always present.</summary>
    public static JsonObject CountsJson(IReadOnlyDictionary<string, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var json = new JsonObject { [SignedCurve25519] = counts.GetValueOrDefault(SignedCurve25519) };
        foreach (var (algorithm, count) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            json[algorithm] = count;
        }

        return json;
    }

    private async Task<byte[]?> StoredSigningKeyAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        var stored = await store.GetDeviceKeysJsonAsync(userId, deviceId, cancellationToken);
        return stored is not null && StoredJsonObject(stored)["keys"]?[DeviceKeyValidation.SigningKeyName(deviceId)] is JsonValue value
            && Ranvier.Protocol.Crypto.UnpaddedBase64.TryDecode(value.GetValue<string>(), out var key) ? key : null;
    }

    private static JsonObject StoredJsonObject(string json) => (JsonObject)JsonNode.Parse(json)!;

    // A user map of a request body: user ID → something each value reader makes of it. Malformed user IDs are 400.
    private static List<(string UserId, T Value)> ReadUserMap<T>(JsonObject body, string name, Func<JsonNode?, T> readValue)
    {
        if (body[name] is not JsonObject map)
        {
            throw body.ContainsKey(name) ? MatrixError.BadJson($"{name} must be an object") : MatrixError.MissingParam($"{name} is required");
        }

        var result = new List<(string, T)>(map.Count);
        foreach (var (user, value) in map)
        {
            if (!UserId.TryParse(user, out _, out var error))
            {
                throw MatrixError.InvalidParam($"{name}: '{user}' is not a user ID: {error}");
            }

            result.Add((user, readValue(value)));
        }

        return result;
    }

    private static void CheckTimeout(JsonObject body)
    {
        if (body["timeout"] is { } timeout && !JsonNodeValues.TryGetInt64(timeout, out _))
        {
            throw MatrixError.BadJson("timeout must be an integer");
        }
    }

    // Users of other servers cannot be asked until federation exists: their servers are reported unreachable.
    private bool IsLocal(string userId, JsonObject failures)
    {
        var server = UserId.Parse(userId).Server;
        if (server == _serverName)
        {
            return true;
        }

        failures[server.Value] = new JsonObject { ["status"] = 503, ["message"] = "This server does not federate yet" };
        return false;
    }
}
