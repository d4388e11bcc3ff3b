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

namespace Ranvier.Storage;

/// <summary>
/// One opened database, exposed as narrow stores per domain. Engines (SQLite now, PostgreSQL later)
/// implement every store; callers depend only on these interfaces.
/// </summary>
public interface IRanvierStore : IAsyncDisposable
{
    IAccountStore Accounts { get; }

    IRegistrationTokenStore RegistrationTokens { get; }

    IServerKeyStore ServerKeys { get; }

    IRoomEventStore Rooms { get; }

    IRoomMembershipStore RoomMemberships { get; }

    IRoomDirectoryStore RoomDirectory { get; }

    IUserDataStore UserData { get; }

    IRoomRelationsStore Relations { get; }

    IContentReportStore ContentReports { get; }

    IMediaStore Media { get; }

    IReceiptStore Receipts { get; }
    IPresenceStore Presence { get; }
    IToDeviceStore ToDevice { get; }

    IKeyBackupStore KeyBackups { get; }

    IDehydratedDeviceStore DehydratedDevices { get; }

    IPushActionStore PushActions { get; }

    ICrossSigningStore CrossSigning { get; }

    IDeviceKeyStore DeviceKeys { get; }

    IPusherStore Pushers { get; }

    IDeviceListStore DeviceLists { get; }

    /// <summary>
    /// Gives back memory the engine holds only to be faster (page caches), for a server that has gone quiet; the
    /// caches fill again with use. Changes no data.
    /// </summary>
    Task ReleaseMemoryAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> with every read it makes (in its async flow, through any of the stores) on one
    /// snapshot of the data: they all see the same committed state, as of the first of them, and share one read
    /// transaction instead of one each. Writes are not part of it, so the work does not read back its own writes; keep
    /// it to work that only reads, or whose writes it does not read again. Nested calls join the outer snapshot.
    /// </summary>
    Task<T> InSnapshotAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken);
}
