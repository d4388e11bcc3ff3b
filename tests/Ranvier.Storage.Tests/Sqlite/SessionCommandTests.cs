using Microsoft.Data.Sqlite;
using Ranvier.Storage.Sqlite;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary><see cref="SqliteSession.Command"/>: cached commands reuse their parameter objects, one use's values never leak into the next.</summary>
public sealed class SessionCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ranvier-session-").FullName;

    [Fact]
    public void A_cached_command_takes_each_use_s_values_and_fails_when_one_is_left_unset()
    {
        var path = Path.Combine(_directory, "t.db");
        using var session = SqliteSession.Open(path, readOnly: false, new SqliteStoreOptions(path));
        const string sql = "SELECT @a || ':' || COALESCE(@b, 'null')";

        session.Command(sql).With("@a", 1L).With("@b", "x").ExecuteScalar().ShouldBe("1:x");
        var command = session.Command(sql).With("@b", null).With("@a", "text");
        command.ExecuteScalar().ShouldBe("text:null");
        command.Parameters.Count.ShouldBe(2, "the parameter objects are reused, not added again");

        Should.Throw<InvalidOperationException>(() => session.Command(sql).With("@a", 2L).ExecuteScalar());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
