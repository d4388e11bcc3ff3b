using Ranvier.Server.Configuration;
using Ranvier.Storage;
using Ranvier.Storage.Sqlite;

namespace Ranvier.Server.Hosting;

/// <summary>Opens the configured storage engine, turning storage start-up failures into <see cref="StartupException"/>s.</summary>
internal static class StoreFactory
{
    public static async Task<IRanvierStore> OpenAsync(RanvierOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return options.DatabaseEngine switch
            {
                DatabaseEngine.Sqlite => await SqliteStore.OpenAsync(
                    new SqliteStoreOptions(options.SqlitePath)
                    {
                        Durability = options.SqliteSynchronous == SqliteSynchronous.Full ? SqliteDurability.Full : SqliteDurability.Normal,
                    },
                    cancellationToken),
                // ConfigLoader refuses postgres until its engine exists.
                _ => throw new StartupException($"The database engine {options.DatabaseEngine} is not available."),
            };
        }
        catch (SchemaVersionException e)
        {
            throw new StartupException($"The database '{options.SqlitePath}' cannot be used: {e.Message}", e);
        }
        catch (StorageException e)
        {
            throw new StartupException($"The database '{options.SqlitePath}' cannot be opened: {e.Message}", e);
        }
    }
}
