using System.Globalization;
using System.Reflection;

namespace Ranvier.Storage.Sqlite;

/// <summary>
/// Forward-only schema migrations: <c>Migrations/NNNN_name.sql</c>, embedded in the assembly. The applied version
/// is <c>PRAGMA user_version</c>, written in the same transaction as the migration, so a crash mid-migration leaves
/// the previous version intact. A database newer than this build is refused.
/// </summary>
internal static class SqliteMigrations
{
    private const string ResourcePrefix = "Migrations/";

    public static IReadOnlyList<(int Version, string Sql)> All { get; } = Load();

    public static int LatestVersion => All[^1].Version;

    public static int GetVersion(SqliteSession session) => (int)session.Command("PRAGMA user_version").ScalarInt64();

    /// <summary>Brings the schema to <see cref="LatestVersion"/>; throws <see cref="SchemaVersionException"/> for a newer database.</summary>
    public static void Apply(SqliteSession session)
    {
        var current = GetVersion(session);
        if (current > LatestVersion)
        {
            throw new SchemaVersionException(current, LatestVersion);
        }

        foreach (var (version, sql) in All)
        {
            if (version <= current)
            {
                continue;
            }

            session.Execute("BEGIN IMMEDIATE");
            try
            {
                session.Execute(sql);
                session.Execute($"PRAGMA user_version = {version}");
                session.Execute("COMMIT");
            }
            catch (Exception e)
            {
                session.Execute("ROLLBACK");
                throw new StorageException($"Migrating the database from schema version {version - 1} to {version} failed; it was left at {version - 1}.", e);
            }
        }
    }

    private static List<(int Version, string Sql)> Load()
    {
        var assembly = typeof(SqliteMigrations).Assembly;
        var migrations = new List<(int Version, string Sql)>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var file = name[ResourcePrefix.Length..];
            var version = int.Parse(file.AsSpan(0, file.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            migrations.Add((version, ReadResource(assembly, name)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 1, 2, 3 … without gaps; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
