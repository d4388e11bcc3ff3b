using Microsoft.Data.Sqlite;
using Ranvier.Storage.Accounts;

namespace Ranvier.Storage.Sqlite;

internal sealed class SqliteRegistrationTokenStore(SqliteWriteQueue writes, SqliteReadPool reads) : IRegistrationTokenStore
{
    private const string Select = "SELECT token, uses_allowed, pending, completed, expiry_time FROM registration_tokens";

    public Task CreateAsync(string token, int? usesAllowed, long? expiryTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return writes.ExecuteAsync(
            s =>
            {
                try
                {
                    return s.Command("INSERT INTO registration_tokens (token, uses_allowed, expiry_time) VALUES (@t, @u, @e)")
                        .With("@t", token).With("@u", usesAllowed).With("@e", expiryTime).ExecuteNonQuery();
                }
                catch (SqliteException e) when (SqliteErrors.IsUniqueViolation(e))
                {
                    throw new StorageConflictException($"The registration token {token} already exists.", e);
                }
            },
            cancellationToken);
    }

    public Task<RegistrationTokenRecord?> GetAsync(string token, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(s => Get(s, token), cancellationToken);

    public Task<IReadOnlyList<RegistrationTokenRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<RegistrationTokenRecord>>(
            s =>
            {
                using var r = s.Command(Select + " ORDER BY token").ExecuteReader();
                var tokens = new List<RegistrationTokenRecord>();
                while (r.Read())
                {
                    tokens.Add(Read(r));
                }

                return tokens;
            },
            cancellationToken);

    public Task<RegistrationTokenRecord?> UpdateAsync(string token, int? usesAllowed, long? expiryTime, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s =>
            {
                var changed = s.Command("UPDATE registration_tokens SET uses_allowed = @u, expiry_time = @e WHERE token = @t")
                    .With("@t", token).With("@u", usesAllowed).With("@e", expiryTime).ExecuteNonQuery();
                return changed == 0 ? null : Get(s, token);
            },
            cancellationToken);

    public Task<bool> DeleteAsync(string token, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("DELETE FROM registration_tokens WHERE token = @t").With("@t", token).ExecuteNonQuery() > 0,
            cancellationToken);

    public Task<bool> TryReserveAsync(string token, long nowMs, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("""
                UPDATE registration_tokens SET pending = pending + 1
                WHERE token = @t AND (expiry_time IS NULL OR expiry_time > @now)
                  AND (uses_allowed IS NULL OR pending + completed < uses_allowed)
                """).With("@t", token).With("@now", nowMs).ExecuteNonQuery() > 0,
            cancellationToken);

    public Task ReleaseAsync(string token, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("UPDATE registration_tokens SET pending = pending - 1 WHERE token = @t AND pending > 0").With("@t", token).ExecuteNonQuery(),
            cancellationToken);

    public Task ClearPendingAsync(CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(s => s.Command("UPDATE registration_tokens SET pending = 0 WHERE pending <> 0").ExecuteNonQuery(), cancellationToken);

    public Task CompleteAsync(string token, CancellationToken cancellationToken = default) =>
        writes.ExecuteAsync(
            s => s.Command("UPDATE registration_tokens SET pending = MAX(pending - 1, 0), completed = completed + 1 WHERE token = @t")
                .With("@t", token).ExecuteNonQuery(),
            cancellationToken);

    private static RegistrationTokenRecord? Get(SqliteSession s, string token)
    {
        using var r = s.Command(Select + " WHERE token = @t").With("@t", token).ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    private static RegistrationTokenRecord Read(SqliteDataReader r) =>
        new(r.GetString(0), (int?)r.GetInt64OrNull(1), r.GetInt32(2), r.GetInt32(3), r.GetInt64OrNull(4));
}
