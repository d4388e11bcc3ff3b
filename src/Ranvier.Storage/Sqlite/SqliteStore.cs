using Microsoft.Data.Sqlite;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.E2ee;
using Ranvier.Storage.Keys;
using Ranvier.Storage.Media;
using Ranvier.Storage.Presence;
using Ranvier.Storage.Push;
using Ranvier.Storage.Receipts;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.ToDevice;
using Ranvier.Storage.UserData;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// The embedded engine: one SQLite file in WAL mode, one writer connection behind a group-commit queue,
/// a pool of read-only connections. Open with <see cref="OpenAsync"/>; it migrates the schema first.
/// </summary>
public sealed class SqliteStore : IRanvierStore
{
    /// <summary>Latest events kept per room for woken syncs (<see cref="SqliteRecentEvents"/>): a page of 10 and room to spare.</summary>
    private const int RecentEventsPerRoom = 32;

    /// <summary>Rooms whose latest events are kept; the one written to least recently makes way.</summary>
    private const int RecentRooms = 512;

    private readonly SqliteSession _writer;
    private readonly SqliteReadPool _readers;
    private readonly SqliteRecentEvents _recentEvents = new(RecentEventsPerRoom, RecentRooms);
    private readonly SqliteStateCache _stateCache = new();
    private readonly SqliteCheckpointer _checkpointer;
    private readonly SqliteFileFlusher _flusher;

    private SqliteStore(SqliteSession writer, SqliteStoreOptions options)
    {
        _writer = writer;
        _flusher = new SqliteFileFlusher(options.Path);
        _checkpointer = new SqliteCheckpointer(options.Path, options, _flusher);
        Writes = new SqliteWriteQueue(writer, options.MaxBatchSize, _checkpointer.Written, _checkpointer.BeforeWrite);
        _readers = new SqliteReadPool(options.Path, options);
        var sessions = new SqliteSessionCache();
        Accounts = new SqliteAccountStore(Writes, _readers, sessions);
        RegistrationTokens = new SqliteRegistrationTokenStore(Writes, _readers);
        ServerKeys = new SqliteServerKeyStore(Writes, _readers);
        Rooms = new SqliteRoomEventStore(Writes, _readers, _recentEvents, _stateCache, options.MaxStateChainLength);
        UserData = new SqliteUserDataStore(Writes, _readers);
        RoomMemberships = new SqliteRoomMembershipStore(Writes, _readers);
        Media = new SqliteMediaStore(Writes, _readers);
        RoomDirectory = new SqliteRoomDirectoryStore(Writes, _readers);
        Relations = new SqliteRelationsStore(_readers, _recentEvents);
        ContentReports = new SqliteContentReportStore(Writes, _readers);
        Receipts = new SqliteReceiptStore(Writes, _readers);
        Presence = new SqlitePresenceStore(Writes, _readers);
        ToDevice = new SqliteToDeviceStore(Writes, _readers);
        KeyBackups = new SqliteKeyBackupStore(Writes, _readers);
        DehydratedDevices = new SqliteDehydratedDeviceStore(Writes, _readers, sessions);
        PushActions = new SqlitePushActionStore(_readers);
        CrossSigning = new SqliteCrossSigningStore(Writes, _readers);
        DeviceKeys = new SqliteDeviceKeyStore(Writes, _readers);
        Pushers = new SqlitePusherStore(Writes, _readers);
        DeviceLists = new SqliteDeviceListStore(_readers);
    }

    /// <summary>The schema version this build creates and understands.</summary>
    public static int LatestSchemaVersion => SqliteMigrations.LatestVersion;

    public IAccountStore Accounts { get; }

    public IRegistrationTokenStore RegistrationTokens { get; }

    public IServerKeyStore ServerKeys { get; }

    public IRoomEventStore Rooms { get; }

    public IRoomMembershipStore RoomMemberships { get; }

    public IRoomDirectoryStore RoomDirectory { get; }

    public IUserDataStore UserData { get; }

    public IRoomRelationsStore Relations { get; }

    public IContentReportStore ContentReports { get; }

    public IMediaStore Media { get; }

    public IReceiptStore Receipts { get; }
    public IPresenceStore Presence { get; }
    public IToDeviceStore ToDevice { get; }

    public IKeyBackupStore KeyBackups { get; }

    public IDehydratedDeviceStore DehydratedDevices { get; }

    public IPushActionStore PushActions { get; }

    public ICrossSigningStore CrossSigning { get; }

    public IDeviceKeyStore DeviceKeys { get; }

    public IPusherStore Pushers { get; }

    public IDeviceListStore DeviceLists { get; }

    /// <summary>How many write transactions have committed since opening (group commit makes it less than the writes).</summary>
    public long CommittedWriteTransactions => Writes.CommittedTransactions;

    internal SqliteWriteQueue Writes { get; }

    /// <summary>The checkpointer beside the writer (for tests).</summary>
    internal SqliteCheckpointer Checkpointer => _checkpointer;

    /// <summary>The database file's flusher beside the writer (for tests).</summary>
    internal SqliteFileFlusher Flusher => _flusher;

    /// <summary>Bytes of page cache held by the writer and the idle readers (for tests of <see cref="ReleaseMemoryAsync"/>).</summary>
    internal async Task<long> CacheBytesAsync() =>
        await Writes.ExecuteAsync(s => s.CacheBytes).ConfigureAwait(false) + _readers.IdleCacheBytes;

    /// <summary>Empties SQLite's page caches (the writer's between two batches, then every reader's) and the in-memory caches.</summary>
    public async Task ReleaseMemoryAsync(CancellationToken cancellationToken)
    {
        await Writes.ExecuteAsync(s =>
        {
            s.ReleaseMemory();
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await _readers.ReleaseMemoryAsync(cancellationToken).ConfigureAwait(false);
        _recentEvents.Clear();
        _stateCache.Clear();
    }

    public Task<T> InSnapshotAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _readers.InSnapshotAsync(work, cancellationToken);
    }

    /// <summary>
    /// Opens (creating if needed) the database at <see cref="SqliteStoreOptions.Path"/> and migrates it.
    /// Throws <see cref="SchemaVersionException"/> for a database written by a newer Ranvier, and
    /// <see cref="StorageException"/> for a file that cannot be opened as a database.
    /// </summary>
    public static Task<SqliteStore> OpenAsync(SqliteStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        SqliteLibrary.EnsureConfigured();
        // Opening and migrating is synchronous file work done once at start-up.
        SqliteSession? writer = null;
        try
        {
            writer = SqliteSession.Open(options.Path, readOnly: false, options);
            SqliteMigrations.Apply(writer);
            return Task.FromResult(new SqliteStore(writer, options));
        }
        catch (SqliteException e)
        {
            writer?.Dispose();
            throw new StorageException($"SQLite cannot use '{options.Path}': {e.Message}", e);
        }
        catch
        {
            writer?.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Drain queued writes first: every accepted write either commits or fails its caller.
        await Writes.DisposeAsync().ConfigureAwait(false);
        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        _readers.Dispose();
        _writer.Dispose();
        // Last: closing it earlier would drop the locks SQLite holds on the file (SqliteFileFlusher).
        _flusher.Dispose();
    }
}
