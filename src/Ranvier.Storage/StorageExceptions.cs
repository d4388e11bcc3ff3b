namespace Ranvier.Storage;

/// <summary>
/// A failure of the store itself (I/O, corruption, a broken invariant). Stores throw this family and never
/// Matrix or HTTP errors: mapping to a client-visible error is the caller's job.
/// </summary>
public class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A write collided with data that already exists (a user, device or event with the same ID). Nothing of
/// the failed write was kept; callers usually map this to "already exists" or treat it as a duplicate.
/// </summary>
public class StorageConflictException : StorageException
{
    public StorageConflictException()
    {
    }

    public StorageConflictException(string message)
        : base(message)
    {
    }

    public StorageConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A new event named a client transaction that already created an event (a retried request that reached the
/// writer): the event was not stored, and the caller answers with the event the transaction created first.
/// </summary>
public sealed class TransactionConflictException : StorageConflictException
{
    public TransactionConflictException()
    {
    }

    public TransactionConflictException(string message)
        : base(message)
    {
    }

    public TransactionConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The database was written by a newer Ranvier whose schema this build does not know. Opening it anyway
/// could corrupt data that build relies on, so the store refuses to start.
/// </summary>
#pragma warning disable RCS1194 // Only meaningful with both versions; the message is built from them.
public sealed class SchemaVersionException : StorageException
{
    public SchemaVersionException(int databaseVersion, int supportedVersion)
        : base($"The database has schema version {databaseVersion}, but this Ranvier supports schema versions up to " +
            $"{supportedVersion}: it was written by a newer Ranvier. Upgrade Ranvier or restore a backup; migrations only go forward.")
    {
        DatabaseVersion = databaseVersion;
        SupportedVersion = supportedVersion;
    }

    public int DatabaseVersion { get; }

    public int SupportedVersion { get; }
}
#pragma warning restore RCS1194
