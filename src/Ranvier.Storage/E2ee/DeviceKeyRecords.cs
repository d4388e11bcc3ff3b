namespace Ranvier.Storage.E2ee;

/// <summary>One uploaded one-time or fallback key: <c>&lt;algorithm&gt;:&lt;key_id&gt;</c> split, and its value as canonical JSON.</summary>
public sealed record UploadedKey(string Algorithm, string KeyId, string Json);

/// <summary>
/// A POST /keys/upload of one device, validated by the caller. <paramref name="DeviceKeysJson"/> is the canonical JSON
/// of the signed <c>device_keys</c> object, or null when the request had none.
/// </summary>
public sealed record DeviceKeyUpload(
    string UserId,
    string DeviceId,
    string? DeviceKeysJson,
    IReadOnlyList<UploadedKey> OneTimeKeys,
    IReadOnlyList<UploadedKey> FallbackKeys);

/// <summary>How an upload ended.</summary>
public enum DeviceKeyUploadOutcome
{
    Stored = 0,

    /// <summary>The device does not exist (it was deleted meanwhile). Nothing was written.</summary>
    UnknownDevice = 1,

    /// <summary>A one-time key ID is already stored with different content. Nothing was written.</summary>
    OneTimeKeyConflict = 2,
}

/// <summary>
/// What an upload did. <paramref name="OneTimeKeyCounts"/> are the unclaimed keys per algorithm afterwards;
/// <paramref name="DeviceListPosition"/> is the device-list stream position taken when the device keys were new or
/// changed (announce it), else null. <paramref name="ConflictingKey"/> names the clashing key for
/// <see cref="DeviceKeyUploadOutcome.OneTimeKeyConflict"/>.
/// </summary>
public sealed record DeviceKeyUploadResult(
    DeviceKeyUploadOutcome Outcome,
    IReadOnlyDictionary<string, long> OneTimeKeyCounts,
    long? DeviceListPosition,
    string? ConflictingKey = null);

/// <summary>A device's stored identity keys with its display name (for <c>unsigned.device_display_name</c>).</summary>
public sealed record StoredDeviceKeys(string UserId, string DeviceId, string KeyJson, string? DisplayName);

/// <summary>One key asked for in a /keys/claim: a device's key of <paramref name="Algorithm"/>.</summary>
public sealed record KeyClaim(string UserId, string DeviceId, string Algorithm);

/// <summary>A key a claim handed out: a one-time key (now deleted) or, when none was left, the fallback key.</summary>
public sealed record ClaimedKey(string UserId, string DeviceId, string Algorithm, string KeyId, string Json, bool Fallback);

/// <summary>A device's one-time key counts per algorithm and the algorithms of its unused fallback keys (for /sync).</summary>
public sealed record OneTimeKeyState(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<string> UnusedFallbackAlgorithms);
