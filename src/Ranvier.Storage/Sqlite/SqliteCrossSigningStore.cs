using Ranvier.Storage.E2ee;

namespace Ranvier.Storage.Sqlite;

/// <summary>Cross-signing keys and uploaded signatures (migration 17, docs/storage.md "Cross-signing").</summary>
internal sealed class SqliteCrossSigningStore(SqliteWriteQueue writes, SqliteReadPool reads) : ICrossSigningStore
{
    public Task<IReadOnlyList<CrossSigningKeyRecord>> GetKeysAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return reads.ReadAsync<IReadOnlyList<CrossSigningKeyRecord>>(
            s =>
            {
                var keys = new List<CrossSigningKeyRecord>();
                foreach (var userId in userIds.Distinct(StringComparer.Ordinal))
                {
                    using var r = s.Command("SELECT usage, public_key, key_json FROM cross_signing_keys WHERE user_id = @u ORDER BY usage")
                        .With("@u", userId).ExecuteReader();
                    while (r.Read())
                    {
                        keys.Add(new CrossSigningKeyRecord(userId, ParseUsage(r.GetString(0)), r.GetString(1), r.GetString(2)));
                    }
                }

                return keys;
            },
            cancellationToken);
    }

    public Task<long> SetKeysAsync(string userId, IReadOnlyList<CrossSigningKeyRecord> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Any(k => k.UserId != userId) || keys.Select(k => k.Usage).Distinct().Count() != keys.Count)
        {
            throw new ArgumentException("The keys must all belong to the user, at most one per usage.", nameof(keys));
        }

        return writes.ExecuteAsync(
            s =>
            {
                foreach (var key in keys)
                {
                    var usage = UsageName(key.Usage);
                    var old = s.Command("SELECT public_key FROM cross_signing_keys WHERE user_id = @u AND usage = @usage")
                        .With("@u", userId).With("@usage", usage).ExecuteScalar() as string;
                    if (old is not null && old != key.PublicKey)
                    {
                        ForgetSignaturesOf(s, userId, old);
                    }

                    s.Command(
                            "INSERT INTO cross_signing_keys (user_id, usage, public_key, key_json) VALUES (@u, @usage, @pk, @json) " +
                            "ON CONFLICT (user_id, usage) DO UPDATE SET public_key = excluded.public_key, key_json = excluded.key_json")
                        .With("@u", userId).With("@usage", usage).With("@pk", key.PublicKey).With("@json", key.KeyJson).ExecuteNonQuery();
                }

                return SqliteDeviceListChanges.Record(s, userId);
            },
            cancellationToken);
    }

    /// <summary>A replaced key's signatures (what it signed, and what signed it) no longer mean anything.</summary>
    private static void ForgetSignaturesOf(SqliteSession s, string userId, string publicKey)
    {
        s.Command("DELETE FROM cross_signing_signatures WHERE signer_user_id = @u AND signer_key_id = @k")
            .With("@u", userId).With("@k", "ed25519:" + publicKey).ExecuteNonQuery();
        s.Command("DELETE FROM cross_signing_signatures WHERE target_user_id = @u AND target_kind = 'cross_signing' AND target_key_id = @pk")
            .With("@u", userId).With("@pk", publicKey).ExecuteNonQuery();
    }

    public Task<long?> AddSignaturesAsync(IReadOnlyList<CrossSigningSignatureRecord> signatures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        if (signatures.Count == 0)
        {
            return Task.FromResult<long?>(null);
        }

        return writes.ExecuteAsync<long?>(
            s =>
            {
                foreach (var sig in signatures)
                {
                    s.Command(
                            "INSERT INTO cross_signing_signatures (target_user_id, target_kind, target_key_id, signer_user_id, signer_key_id, signature) " +
                            "VALUES (@tu, @tk, @tid, @su, @sk, @sig) " +
                            "ON CONFLICT (target_user_id, target_kind, target_key_id, signer_user_id, signer_key_id) DO UPDATE SET signature = excluded.signature")
                        .With("@tu", sig.TargetUserId).With("@tk", KindName(sig.TargetKind)).With("@tid", sig.TargetKeyId)
                        .With("@su", sig.SignerUserId).With("@sk", sig.SignerKeyId).With("@sig", sig.Signature).ExecuteNonQuery();
                }

                string[] users = [.. signatures.Select(sig => sig.TargetUserId).Distinct(StringComparer.Ordinal)];
                return SqliteDeviceListChanges.Record(s, users);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<CrossSigningSignatureRecord>> GetSignaturesAsync(IReadOnlyCollection<string> targetUserIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targetUserIds);
        return reads.ReadAsync<IReadOnlyList<CrossSigningSignatureRecord>>(
            s =>
            {
                var signatures = new List<CrossSigningSignatureRecord>();
                foreach (var userId in targetUserIds.Distinct(StringComparer.Ordinal))
                {
                    using var r = s.Command(
                            "SELECT target_kind, target_key_id, signer_user_id, signer_key_id, signature FROM cross_signing_signatures " +
                            "WHERE target_user_id = @u ORDER BY target_kind, target_key_id, signer_user_id, signer_key_id")
                        .With("@u", userId).ExecuteReader();
                    while (r.Read())
                    {
                        signatures.Add(new CrossSigningSignatureRecord(
                            userId, ParseKind(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
                    }
                }

                return signatures;
            },
            cancellationToken);
    }

    private static string UsageName(CrossSigningUsage usage) => usage switch
    {
        CrossSigningUsage.Master => "master",
        CrossSigningUsage.SelfSigning => "self_signing",
        CrossSigningUsage.UserSigning => "user_signing",
        _ => throw new ArgumentOutOfRangeException(nameof(usage)),
    };

    private static CrossSigningUsage ParseUsage(string name) => name switch
    {
        "master" => CrossSigningUsage.Master,
        "self_signing" => CrossSigningUsage.SelfSigning,
        "user_signing" => CrossSigningUsage.UserSigning,
        _ => throw new StorageException($"Unknown cross-signing usage '{name}' in the database."),
    };

    private static string KindName(SignatureTargetKind kind) => kind switch
    {
        SignatureTargetKind.Device => "device",
        SignatureTargetKind.CrossSigningKey => "cross_signing",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static SignatureTargetKind ParseKind(string name) => name switch
    {
        "device" => SignatureTargetKind.Device,
        "cross_signing" => SignatureTargetKind.CrossSigningKey,
        _ => throw new StorageException($"Unknown signature target kind '{name}' in the database."),
    };
}
