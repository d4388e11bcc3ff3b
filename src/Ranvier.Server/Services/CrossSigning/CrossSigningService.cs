using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.E2ee;

namespace Ranvier.Server.Services.CrossSigning;

/// <summary>
/// A checked POST /keys/device_signing/upload, ready to store: the keys it brings and whether user-interactive
/// authentication must come first (spec: cross_signing.yaml, "uploadCrossSigningKeys").
/// </summary>
public sealed record CrossSigningUpload(string UserId, IReadOnlyList<CrossSigningKey> Keys, bool RequiresAuth, bool ChangesNothing);

/// <summary>
/// Publishing a user's cross-signing keys (spec: client-server API "Cross-signing", POST /keys/device_signing/upload).
/// Checking is split from storing so that the endpoint can run user-interactive authentication in between, and only
/// when the spec asks for it: a user's first master key, and a repeat of the stored keys, need none.
/// </summary>
public sealed class CrossSigningService(ICrossSigningStore store, IAccountStore accounts, StreamNotifier notifier)
{
    private static readonly (string Field, CrossSigningUsage Usage)[] Fields =
    [
        ("master_key", CrossSigningUsage.Master),
        ("self_signing_key", CrossSigningUsage.SelfSigning),
        ("user_signing_key", CrossSigningUsage.UserSigning),
    ];

    /// <summary>
    /// Checks an upload of <paramref name="context"/>'s user: every key is the user's with the right usage and one
    /// ed25519 key; the self-signing and user-signing keys are signed by the master key of the request, or else the
    /// stored one (none at all: 400 M_MISSING_PARAM; a bad signature: 400 M_INVALID_SIGNATURE); no public key equals one
    /// of the user's device IDs (403).
    /// </summary>
    public async Task<CrossSigningUpload> PrepareAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var userId = context.UserId;
        var keys = new List<CrossSigningKey>();
        foreach (var (field, usage) in Fields)
        {
            if (body[field] is { } node)
            {
                keys.Add(CrossSigningKeys.Read(node, field, userId, usage));
            }
        }

        var stored = (await store.GetKeysAsync([userId], cancellationToken)).ToDictionary(k => k.Usage);
        var master = keys.FirstOrDefault(k => k.Usage == CrossSigningUsage.Master)
            ?? (stored.TryGetValue(CrossSigningUsage.Master, out var storedMaster) ? CrossSigningKeys.FromRecord(storedMaster) : null);
        if (master is null)
        {
            throw MatrixError.MissingParam("master_key is required: the user has no master key yet");
        }

        foreach (var key in keys.Where(k => k.Usage != CrossSigningUsage.Master))
        {
            if (!CrossSigningKeys.IsSignedBy(key.Json, userId, master.KeyId, master.PublicKey))
            {
                throw new MatrixError(StatusCodes.Status400BadRequest, "M_INVALID_SIGNATURE",
                    $"The {CrossSigningKeys.UsageName(key.Usage)} key is not signed by the master key");
            }
        }

        // A public key that equals a device ID would make "ed25519:<id>" name two keys (spec: the 403 response).
        var devices = await accounts.ListDevicesAsync(userId, cancellationToken);
        if (keys.FirstOrDefault(k => devices.Any(d => d.DeviceId == k.PublicKeyBase64)) is { } clash)
        {
            throw MatrixError.Forbidden($"The {CrossSigningKeys.UsageName(clash.Usage)} key's public key is one of the user's device IDs");
        }

        // UIA may be skipped when the user has no master key yet, or when the request holds no new key (a retried
        // upload whose answer was lost): spec, POST /keys/device_signing/upload. Application services never need it.
        var changesNothing = keys.All(k => stored.TryGetValue(k.Usage, out var old) && old.KeyJson == k.CanonicalJson);
        var requiresAuth = context.AppServiceId is null && stored.ContainsKey(CrossSigningUsage.Master) && !changesNothing;
        return new CrossSigningUpload(userId, keys, requiresAuth, changesNothing);
    }

    /// <summary>Stores a checked upload (nothing when it repeats the stored keys) and announces the device-list change.</summary>
    public async Task CommitAsync(CrossSigningUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.ChangesNothing)
        {
            return;
        }

        var position = await store.SetKeysAsync(upload.UserId, [.. upload.Keys.Select(k => k.ToRecord(upload.UserId))], cancellationToken);
        notifier.Advance(position);
    }
}
