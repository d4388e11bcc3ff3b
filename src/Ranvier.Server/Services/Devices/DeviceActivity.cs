using System.Collections.Concurrent;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Services.Devices;

/// <summary>
/// Keeps a device's <c>last_seen_ip</c> / <c>last_seen_ts</c> (spec: "Device management") roughly current
/// without a store write per request: a device's row is written when its address changes or when the last
/// write is older than <see cref="Interval"/>, so a busy client costs one write per five minutes.
/// </summary>
public sealed class DeviceActivity(IAccountStore accounts, TimeProvider time)
{
    /// <summary>How stale last_seen_ts may get while a device keeps making requests from one address.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    // Bounds the memory of devices seen: past this many, the table starts over (costing one write each).
    private const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<(string UserId, string DeviceId), (long Ts, string? Ip)> lastWritten = new();

    /// <summary>Notes that a device made a request from <paramref name="ip"/> now.</summary>
    public async ValueTask RecordAsync(string userId, string deviceId, string? ip, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var key = (userId, deviceId);
        if (lastWritten.TryGetValue(key, out var last) && last.Ip == ip && now - last.Ts < (long)Interval.TotalMilliseconds)
        {
            return;
        }

        if (lastWritten.Count >= MaxTracked)
        {
            lastWritten.Clear();
        }

        lastWritten[key] = (now, ip);
        await accounts.UpdateDeviceLastSeenAsync(userId, deviceId, ip, now, cancellationToken);
    }
}
