using System.Diagnostics;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.Sqlite;
using Ranvier.Storage.Tests.Engines;

namespace Ranvier.Storage.Tests.Sqlite;

/// <summary>
/// A write whose task completed survives the process being killed (SIGKILL, no shutdown code runs). Runs the
/// crash driver (tests/Ranvier.Storage.CrashDriver) as a child process, kills it mid-stream, and audits the file.
/// </summary>
public sealed class CrashSafetyTests
{
    private const int AcksBeforeKill = 200;

    [Fact]
    public async Task Every_acknowledged_write_survives_SIGKILL_and_the_database_stays_consistent()
    {
        using var directory = new TempDirectory();
        var databasePath = Path.Combine(directory.Path, "crash.db");
        var (rooms, acked) = await RunDriverUntilKilledAsync(databasePath);

        acked.Count.ShouldBeGreaterThanOrEqualTo(AcksBeforeKill);
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            db.Open();
            db.Scalar("PRAGMA integrity_check").ShouldBe("ok");
            db.ScalarInt64("SELECT count(*) FROM pragma_foreign_key_check").ShouldBe(0);
        }

        await using var store = await SqliteStore.OpenAsync(new SqliteStoreOptions(databasePath));
        foreach (var eventId in acked)
        {
            (await store.Rooms.GetEventAsync(eventId)).ShouldNotBeNull($"acknowledged {eventId} is missing");
        }

        var positions = new List<long>();
        foreach (var roomId in rooms)
        {
            var events = await store.Rooms.GetRoomEventsAfterAsync(roomId, 0, int.MaxValue);
            positions.AddRange(events.Select(e => e.StreamPosition!.Value));
            await ShouldBeConsistentAsync(store.Rooms, roomId, events);
        }

        // Positions are allocated inside the write transaction, so what committed is exactly 1..max.
        var max = await store.Rooms.GetMaxStreamPositionAsync();
        positions.Order().ShouldBe(Enumerable.Range(1, (int)max).Select(i => (long)i));
    }

    /// <summary>A linear room: depths 1..n without holes, one extremity (the last event), current state = replay.</summary>
    private static async Task ShouldBeConsistentAsync(IRoomEventStore store, string roomId, IReadOnlyList<StoredEvent> events)
    {
        events.Select(e => e.Depth).ShouldBe(Enumerable.Range(1, events.Count).Select(i => (long)i), roomId);
        var replayed = events.Where(e => e.StateKey is not null)
            .GroupBy(e => new StateKey(e.Type, e.StateKey!))
            .ToDictionary(g => g.Key, g => g.Last().EventId);
        (await store.GetCurrentStateAsync(roomId)).ShouldBe(replayed, ignoreOrder: true);
        (await store.GetStateAtEventAsync(events[^1].EventId, StatePoint.After)).ShouldBe(replayed, ignoreOrder: true);
        (await store.GetForwardExtremitiesAsync(roomId)).ShouldBe([events[^1].EventId]);
    }

    private static async Task<(List<string> Rooms, List<string> Acked)> RunDriverUntilKilledAsync(string databasePath)
    {
        var start = new ProcessStartInfo(DotnetHost(), [DriverPath(), databasePath, "4"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The crash driver did not start.");
        var errors = process.StandardError.ReadToEndAsync();
        var rooms = new List<string>();
        var acked = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (acked.Count < AcksBeforeKill)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"The crash driver exited early: {await errors}");
                Collect(line, rooms, acked);
            }
        }
        finally
        {
            // SIGKILL on Unix: no finalizers, no disposal, no flush of anything but what the OS already has.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        // Lines printed before the kill are acknowledgements too.
        while (await process.StandardOutput.ReadLineAsync() is { } rest)
        {
            Collect(rest, rooms, acked);
        }

        return (rooms, acked);
    }

    private static void Collect(string line, List<string> rooms, List<string> acked)
    {
        if (line.StartsWith("ack ", StringComparison.Ordinal))
        {
            acked.Add(line[4..]);
        }
        else if (line.StartsWith("room ", StringComparison.Ordinal))
        {
            rooms.Add(line[5..]);
        }
    }

    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The driver's build output, found beside this assembly's: tests/X/bin/{configuration}/{tfm}/.</summary>
    private static string DriverPath()
    {
        var here = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var testsDirectory = here.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(testsDirectory, "Ranvier.Storage.CrashDriver", "bin", configuration, tfm, "Ranvier.Storage.CrashDriver.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/Ranvier.Storage.CrashDriver first (the test project references it).", path);
    }
}
