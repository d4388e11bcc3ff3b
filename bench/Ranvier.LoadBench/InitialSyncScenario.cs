using System.Diagnostics;
using System.Globalization;

namespace Ranvier.LoadBench;

/// <summary>
/// Initial-sync time: one user in <c>rooms</c> rooms holding <c>events</c> messages each (rooms created through the client API, messages
/// seeded through the room event pipeline directly, rooms in parallel), then GET /sync without a token, repeated; the response is read to the end each time.
/// </summary>
internal sealed class InitialSyncScenario(BenchServer server, int rooms, int events, int repetitions, TextWriter output)
{
    private const int SeedParallelism = 8;

    public async Task RunAsync()
    {
        var token = await server.CreateUserAsync("reader");
        var reader = server.UserId("reader");
        var seed = Stopwatch.StartNew();
        var roomIds = new string[rooms];
        for (var r = 0; r < rooms; r++)
        {
            roomIds[r] = await server.CreateRoomAsync(token, $$"""{"preset":"private_chat","name":"room {{r}}"}""");
        }

        await Parallel.ForEachAsync(
            roomIds,
            new ParallelOptions { MaxDegreeOfParallelism = SeedParallelism },
            async (roomId, ct) =>
            {
                for (var i = 0; i < events; i++)
                {
                    await server.SeedMessageAsync(reader, roomId, "message " + i.ToString(CultureInfo.InvariantCulture) + " of the seed", ct);
                }
            });
        var seeded = (long)rooms * events;
        output.WriteLine($"  seeded {rooms} rooms × {events} events ({seeded:N0}) in {seed.Elapsed.TotalSeconds:F1} s ({seeded / seed.Elapsed.TotalSeconds:F0} events/s through the event pipeline)");

        await MeasureAsync(token, "default filter", string.Empty);
        await MeasureAsync(token, "lazy-loaded members", "&filter=" + Uri.EscapeDataString("""{"room":{"state":{"lazy_load_members":true}}}"""));
    }

    private async Task MeasureAsync(string token, string label, string query)
    {
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await server.Http.SendAsync(Request(token, "/_matrix/client/v3/sync?timeout=0" + query));
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            bytes = body.Length;
        }

        times.Sort();
        output.WriteLine($"  initial sync ({label}): first {times[0]:F0}…max {times[^1]:F0} ms, median {Percentiles.Of(times, 50):F0} ms over {repetitions} runs; {bytes / 1024.0:F0} KiB");
    }

    private static HttpRequestMessage Request(string token, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
