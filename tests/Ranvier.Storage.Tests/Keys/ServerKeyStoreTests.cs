using Ranvier.Storage.Keys;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Keys;

public sealed class ServerKeyStoreTests : StoreTestBase
{
    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public Task Remote_keys_round_trip_and_a_refetch_replaces_them(string engine) => WithStoreAsync(engine, async store =>
    {
        var key1 = new RemoteServerKey("remote.example", "ed25519:a", [1, 2, 3], ValidUntilTs: 1000, FetchedTs: 10);
        var key2 = new RemoteServerKey("remote.example", "ed25519:b", [4, 5, 6], 2000, 10);
        var other = new RemoteServerKey("other.example", "ed25519:a", [7], 3000, 10);
        await store.ServerKeys.StoreRemoteKeysAsync([key1, key2, other]);

        var refetched = key1 with { ValidUntilTs = 5000, FetchedTs = 20 };
        await store.ServerKeys.StoreRemoteKeysAsync([refetched]);

        var stored = await store.ServerKeys.GetRemoteKeyAsync("remote.example", "ed25519:a");
        stored.ShouldNotBeNull();
        stored.PublicKey.ShouldBe(key1.PublicKey);
        stored.ValidUntilTs.ShouldBe(5000);
        stored.FetchedTs.ShouldBe(20);
        (await store.ServerKeys.GetRemoteKeysAsync("remote.example")).Select(k => k.KeyId).ShouldBe(["ed25519:a", "ed25519:b"]);
        (await store.ServerKeys.GetRemoteKeyAsync("remote.example", "ed25519:zzz")).ShouldBeNull();
    });
}
