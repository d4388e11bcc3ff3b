using System.Collections.Concurrent;
using Ranvier.Storage.Accounts;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// The sessions (access token, account kind and flags) recently found by their token hash, so that authenticating a
/// request, which every authenticated endpoint does, costs no read. Every write that can end a session or change what
/// it says (deleting tokens or devices, refreshing, deactivating, upgrading a guest) calls <see cref="Invalidate"/> after
/// it commits, which empties the cache; such writes are rare next to requests. A reader that looked the session up
/// before such a write keeps its entry only if no invalidation happened meanwhile.
/// </summary>
internal sealed class SqliteSessionCache
{
    /// <summary>Sessions kept at most; past it the cache starts over (the store still answers).</summary>
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, AuthenticatedSession> _sessions = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Read before the store is asked; handed back to <see cref="Add"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(byte[] tokenHash, out AuthenticatedSession? session) =>
        _sessions.TryGetValue(Convert.ToBase64String(tokenHash), out session);

    /// <summary>
    /// Keeps <paramref name="session"/>, read from the store after <paramref name="generationBefore"/>. A session still
    /// waiting for its refresh to be confirmed is not kept: its first use writes.
    /// </summary>
    public void Add(byte[] tokenHash, AuthenticatedSession session, long generationBefore)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Token.SupersedesRefreshHash is not null)
        {
            return;
        }

        if (_sessions.Count >= Capacity)
        {
            _sessions.Clear();
        }

        var key = Convert.ToBase64String(tokenHash);
        _sessions[key] = session;
        // Added first, checked second: an invalidation either clears the entry or is seen here.
        if (Generation != generationBefore)
        {
            _sessions.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets every session; call after a write that may end or change sessions has committed.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _sessions.Clear();
    }

    /// <summary>Awaits <paramref name="write"/>, then invalidates (also when it failed: nothing is lost by it).</summary>
    public async Task<T> AfterAsync<T>(Task<T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return await write.ConfigureAwait(false);
        }
        finally
        {
            Invalidate();
        }
    }
}
