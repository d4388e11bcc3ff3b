namespace Ranvier.Storage.Sqlite;

/// <summary>
/// How durable a commit is (SQLite <c>PRAGMA synchronous</c> in WAL mode).
/// </summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=NORMAL</c>: the WAL is fsynced at checkpoints, not at every commit. A process crash loses
    /// nothing that was committed (the WAL is in the OS page cache); a power loss or kernel crash may lose the
    /// last commits, but never corrupts the database. The default: commits cost no fsync.
    /// </summary>
    Normal,

    /// <summary><c>synchronous=FULL</c>: every commit is fsynced before it is acknowledged; survives power loss.</summary>
    Full,
}

/// <summary>Settings of the SQLite engine. <paramref name="Path"/> is the database file; its directory is created.</summary>
public sealed record SqliteStoreOptions(string Path)
{
    public SqliteDurability Durability { get; init; } = SqliteDurability.Normal;

    /// <summary>How long a connection waits for a lock held by another connection before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most read-only connections open at once; readers beyond it wait.</summary>
    public int ReadConnections { get; init; } = 8;

    /// <summary>The most queued writes committed in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>
    /// The longest chain of state deltas before a full snapshot is written instead. Loading a state reads at most
    /// this many groups; a larger value stores less.
    /// </summary>
    public int MaxStateChainLength { get; init; } = 32;

    /// <summary>
    /// The WAL size (in pages) past which the checkpointer catches up and asks the writer to let the WAL start over
    /// (<see cref="SqliteCheckpointer"/>). Internal: tests make it small.
    /// </summary>
    internal int WalResetFrames { get; init; } = SqliteCheckpointer.DefaultResetFrames;

    /// <summary>Whether the checkpointer runs its own loop (internal: tests that drive checkpoints turn it off).</summary>
    internal bool CheckpointInBackground { get; init; } = true;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Path);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStateChainLength, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(BusyTimeout, TimeSpan.Zero);
    }
}
