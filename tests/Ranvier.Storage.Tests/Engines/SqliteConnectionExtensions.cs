using Microsoft.Data.Sqlite;

namespace Ranvier.Storage.Tests.Engines;

internal static class SqliteConnectionExtensions
{
    /// <summary>The first column of the first row of <paramref name="sql"/>, read on a raw connection.</summary>
    public static object? Scalar(this SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static long ScalarInt64(this SqliteConnection db, string sql) => (long)db.Scalar(sql)!;
}
