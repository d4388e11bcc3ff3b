namespace Ranvier.Storage.Keys;

/// <summary>
/// A remote server's signing key as fetched from its <c>/_matrix/key/v2/server</c> or a notary
/// (spec: server-server API, "Retrieving server keys"). <paramref name="PublicKey"/> is the raw 32-byte key.
/// </summary>
public sealed record RemoteServerKey(string ServerName, string KeyId, byte[] PublicKey, long ValidUntilTs, long FetchedTs);

/// <summary>Remote servers' verify keys, cached so events can be checked without refetching. Our own keys are files.</summary>
public interface IServerKeyStore
{
    /// <summary>Inserts or replaces keys (a refetch updates <c>valid_until_ts</c> and the fetch time).</summary>
    Task StoreRemoteKeysAsync(IReadOnlyList<RemoteServerKey> keys, CancellationToken cancellationToken = default);

    Task<RemoteServerKey?> GetRemoteKeyAsync(string serverName, string keyId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RemoteServerKey>> GetRemoteKeysAsync(string serverName, CancellationToken cancellationToken = default);
}
