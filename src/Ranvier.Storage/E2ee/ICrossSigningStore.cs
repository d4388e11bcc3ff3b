namespace Ranvier.Storage.E2ee;

/// <summary>What a cross-signing key is for (spec: client-server API "Cross-signing"): its <c>usage</c> value.</summary>
public enum CrossSigningUsage
{
    /// <summary>The user's identity; signs the other two.</summary>
    Master,

    /// <summary>Signs the user's own devices.</summary>
    SelfSigning,

    /// <summary>Signs other users' master keys.</summary>
    UserSigning,
}

/// <summary>
/// A user's current cross-signing key of one usage: its ed25519 public key (unpadded base64, also the version part of
/// its key ID) and the canonical JSON of the CrossSigningKey object as uploaded.
/// </summary>
public sealed record CrossSigningKeyRecord(string UserId, CrossSigningUsage Usage, string PublicKey, string KeyJson);

/// <summary>What a stored signature signs: a device's keys, or a cross-signing key.</summary>
public enum SignatureTargetKind
{
    /// <summary>The device keys of a device; the target key ID is the device ID.</summary>
    Device,

    /// <summary>A cross-signing key; the target key ID is its public key.</summary>
    CrossSigningKey,
}

/// <summary>
/// One signature uploaded through POST /keys/signatures/upload: <paramref name="SignerUserId"/>'s key
/// <paramref name="SignerKeyId"/> (a full key ID such as <c>ed25519:…</c>) signed the target of
/// <paramref name="TargetUserId"/> named by <paramref name="TargetKind"/> and <paramref name="TargetKeyId"/>.
/// </summary>
public sealed record CrossSigningSignatureRecord(
    string TargetUserId,
    SignatureTargetKind TargetKind,
    string TargetKeyId,
    string SignerUserId,
    string SignerKeyId,
    string Signature);

/// <summary>
/// Cross-signing keys and the signatures uploaded for keys (spec: client-server API "Cross-signing",
/// POST /keys/device_signing/upload and /keys/signatures/upload). Writes record the users whose /keys/query answer
/// changed on the device-list stream in the same transaction and return that position (announce it after).
/// </summary>
public interface ICrossSigningStore
{
    /// <summary>The current keys of each of <paramref name="userIds"/> (users without keys are absent).</summary>
    Task<IReadOnlyList<CrossSigningKeyRecord>> GetKeysAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="keys"/> (all of <paramref name="userId"/>, at most one per usage) as the user's current
    /// keys of their usages. A key that replaces a different one forgets the signatures made by the old key and the
    /// signatures on it. Records the user on the device-list stream and returns the position.
    /// </summary>
    Task<long> SetKeysAsync(string userId, IReadOnlyList<CrossSigningKeyRecord> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="signatures"/> (a repeated one replaces the old value), recording their target users on the
    /// device-list stream. Returns the position, or null when the list is empty.
    /// </summary>
    Task<long?> AddSignaturesAsync(IReadOnlyList<CrossSigningSignatureRecord> signatures, CancellationToken cancellationToken = default);

    /// <summary>Every stored signature on the devices and cross-signing keys of <paramref name="targetUserIds"/>.</summary>
    Task<IReadOnlyList<CrossSigningSignatureRecord>> GetSignaturesAsync(IReadOnlyCollection<string> targetUserIds, CancellationToken cancellationToken = default);
}
