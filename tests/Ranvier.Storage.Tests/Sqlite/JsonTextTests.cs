using System.Text.Json;
using Microsoft.Data.Sqlite;
using Ranvier.Storage.Sqlite;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary>The UTF-8 JSON arrays the store binds as blobs for <c>json_each(CAST(@p AS TEXT))</c>.</summary>
public sealed class JsonTextTests
{
    public static TheoryData<string[]> Lists => new()
    {
        Array.Empty<string>(),
        new[] { "@alice:example.org" },
        new[] { "@alice:example.org", "$abc-_DEF123", "" },
        new[] { "@zoë:example.org", "@日本:example.org", "emoji \U0001F600" },
        new[] { "quote \" here", "back\\slash", "tab\tand\nnewline", "\u0001" },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void The_array_parses_back_to_the_values(string[] values)
    {
        var bytes = JsonText.Utf8ArrayOf(values);

        JsonSerializer.Deserialize<string[]>(bytes).ShouldBe(values);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void SQLite_reads_the_blob_as_the_same_values(string[] values)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM json_each(CAST(@p AS TEXT)) ORDER BY key";
        command.Parameters.AddWithValue("@p", JsonText.Utf8ArrayOf(values));

        var read = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                read.Add(reader.GetString(0));
            }
        }

        read.ShouldBe(values);
    }
}
