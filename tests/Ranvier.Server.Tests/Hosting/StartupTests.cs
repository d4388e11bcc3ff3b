using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Hosting;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage;

namespace Ranvier.Server.Tests.Hosting;

public class StartupTests
{
    [Fact]
    public async Task A_file_that_is_not_a_database_stops_start_up_with_its_path()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "ranvier.db");
        await File.WriteAllTextAsync(path, new string('x', 8192));

        var error = await Should.ThrowAsync<StartupException>(() => TestHost.StartAsync($"data_directory: {directory.Path}\n"));

        error.Message.ShouldContain(path);
    }

    [Fact]
    public async Task A_database_from_a_newer_Ranvier_stops_start_up()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "ranvier.db");
        await using (var host = await TestHost.StartAsync($"data_directory: {directory.Path}\n"))
        {
        }

        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 9999";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Should.ThrowAsync<StartupException>(() => TestHost.StartAsync($"data_directory: {directory.Path}\n"));

        error.Message.ShouldContain("9999");
    }

    [Fact]
    public async Task Registration_token_uses_pending_before_a_restart_are_given_back()
    {
        using var directory = new TempDirectory();
        var yaml = $"data_directory: {directory.Path}\n";
        await using (var host = await TestHost.StartAsync(yaml))
        {
            var tokens = host.Services.GetRequiredService<IRanvierStore>().RegistrationTokens;
            await tokens.CreateAsync("once", 1, null);
            (await tokens.TryReserveAsync("once", 0)).ShouldBeTrue();
        }

        await using var restarted = await TestHost.StartAsync(yaml);

        (await restarted.Services.GetRequiredService<IRanvierStore>().RegistrationTokens.GetAsync("once"))!.Pending.ShouldBe(0);
    }
}
