using Microsoft.Data.Sqlite;
using Ranvier.Storage.Keys;

namespace Ranvier.Storage.Sqlite;

internal sealed class SqliteServerKeyStore(SqliteWriteQueue writes, SqliteReadPool reads) : IServerKeyStore
{
    private const string KeySelect = "SELECT server_name, key_id, public_key, valid_until_ts, fetched_ts FROM remote_server_keys";

    public Task StoreRemoteKeysAsync(IReadOnlyList<RemoteServerKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return writes.ExecuteAsync(
            s =>
            {
                foreach (var key in keys)
                {
                    s.Command("""
                        INSERT INTO remote_server_keys (server_name, key_id, public_key, valid_until_ts, fetched_ts)
                        VALUES (@s, @k, @p, @v, @f)
                        ON CONFLICT (server_name, key_id) DO UPDATE
                        SET public_key = excluded.public_key, valid_until_ts = excluded.valid_until_ts, fetched_ts = excluded.fetched_ts
                        """)
                        .With("@s", key.ServerName).With("@k", key.KeyId).With("@p", key.PublicKey)
                        .With("@v", key.ValidUntilTs).With("@f", key.FetchedTs).ExecuteNonQuery();
                }

                return keys.Count;
            },
            cancellationToken);
    }

    public Task<RemoteServerKey?> GetRemoteKeyAsync(string serverName, string keyId, CancellationToken cancellationToken = default) =>
        reads.ReadAsync(
            s =>
            {
                using var r = s.Command(KeySelect + " WHERE server_name = @s AND key_id = @k").With("@s", serverName).With("@k", keyId).ExecuteReader();
                return r.Read() ? ReadKey(r) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<RemoteServerKey>> GetRemoteKeysAsync(string serverName, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<RemoteServerKey>>(
            s =>
            {
                using var r = s.Command(KeySelect + " WHERE server_name = @s ORDER BY key_id").With("@s", serverName).ExecuteReader();
                var keys = new List<RemoteServerKey>();
                while (r.Read())
                {
                    keys.Add(ReadKey(r));
                }

                return keys;
            },
            cancellationToken);

    private static RemoteServerKey ReadKey(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), (byte[])r.GetValue(2), r.GetInt64(3), r.GetInt64(4));
}
