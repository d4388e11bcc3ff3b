using Microsoft.Data.Sqlite;

namespace Ranvier.Storage.Sqlite;

internal static class SqliteErrors
{
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintForeignKey = 787;

    /// <summary>True when <paramref name="e"/> is a UNIQUE or PRIMARY KEY violation.</summary>
    public static bool IsUniqueViolation(SqliteException e) =>
        e.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey;

    /// <summary>True when <paramref name="e"/> is a FOREIGN KEY violation (a row referring to a missing one).</summary>
    public static bool IsForeignKeyViolation(SqliteException e) => e.SqliteExtendedErrorCode == SqliteConstraintForeignKey;
}
