using Microsoft.Data.Sqlite;

namespace Ranvier.Storage.Sqlite;

internal static class SqliteErrors
{
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    /// <summary>True when <paramref name="e"/> is a UNIQUE or PRIMARY KEY violation.</summary>
    public static bool IsUniqueViolation(SqliteException e) =>
        e.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey;
}
