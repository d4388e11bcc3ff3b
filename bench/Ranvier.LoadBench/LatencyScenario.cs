using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Ranvier.LoadBench;

/// <summary>
/// Send→sync delivery latency: <c>clients</c> users joined to one room each run a long-poll loop
/// (GET /sync?since=…&amp;timeout=30000, as clients do), while one sender puts a message into the room every
/// 1/<c>rate</c> seconds. For every message and client, the time from just before the PUT to the moment the client has
/// parsed the /sync response carrying it is one sample.
/// </summary>
internal sealed class LatencyScenario(BenchServer server, int clients, int messages, double rate, TextWriter output)
{
    private const int WarmUpMessages = 5;

    public async Task RunAsync()
    {
        var senderToken = await server.CreateUserAsync("sender");
        var roomId = await server.CreateRoomAsync(senderToken, """{"preset":"public_chat","name":"load"}""");
        var tokens = new string[clients];
        var setup = Stopwatch.StartNew();
        for (var i = 0; i < clients; i++)
        {
            tokens[i] = await server.CreateUserAsync($"client{i}");
            await server.JoinAsync(tokens[i], roomId);
        }

        output.WriteLine($"  set-up: {clients} users joined in {setup.Elapsed.TotalSeconds:F1} s");

        var total = WarmUpMessages + messages;
        var sentAt = new long[total];
        var samples = new ConcurrentBag<double>();
        var received = new int[clients];
        using var stop = new CancellationTokenSource();

        // Each client starts from its own initial sync, so the loop then only sees new events.
        var since = await Task.WhenAll(tokens.Select(InitialTokenAsync));
        var loops = tokens.Select((token, i) => Task.Run(() => PollAsync(i, token, since[i], roomId, sentAt, samples, received, stop.Token))).ToArray();

        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(1 / rate));
        for (var seq = 0; seq < total; seq++)
        {
            await pace.WaitForNextTickAsync();
            Volatile.Write(ref sentAt[seq], Stopwatch.GetTimestamp());
            await server.SendMessageAsync(senderToken, roomId, "m" + seq.ToString(CultureInfo.InvariantCulture), $$"""{"msgtype":"m.text","body":"load {{seq}}","seq":{{seq}}}""");
        }

        // Wait for the stragglers (bounded), then stop the loops.
        var deadline = Stopwatch.StartNew();
        while (Enumerable.Range(0, clients).Any(i => Volatile.Read(ref received[i]) < total) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops);

        var sorted = samples.OrderBy(s => s).ToList();
        var missing = (long)clients * messages - sorted.Count;
        output.WriteLine($"  {clients} long-polling clients, {messages} messages at {rate:F1}/s (+{WarmUpMessages} warm-up), {sorted.Count} samples, {missing} missing");
        output.WriteLine($"  send→sync latency: p50 {Percentiles.Of(sorted, 50):F1} ms, p90 {Percentiles.Of(sorted, 90):F1} ms, p99 {Percentiles.Of(sorted, 99):F1} ms, max {sorted.LastOrDefault():F1} ms");
    }

    private async Task<string> InitialTokenAsync(string token)
    {
        using var sync = await server.CallAsync(HttpMethod.Get, "/_matrix/client/v3/sync?timeout=0", token);
        return sync.RootElement.GetProperty("next_batch").GetString()!;
    }

    private async Task PollAsync(
        int client, string token, string since, string roomId, long[] sentAt, ConcurrentBag<double> samples, int[] received, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            JsonDocument sync;
            try
            {
                sync = await server.CallAsync(HttpMethod.Get, $"/_matrix/client/v3/sync?since={Uri.EscapeDataString(since)}&timeout=30000", token, cancellationToken: stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            using (sync)
            {
                since = sync.RootElement.GetProperty("next_batch").GetString()!;
                if (!sync.RootElement.TryGetProperty("rooms", out var rooms) || !rooms.TryGetProperty("join", out var join)
                    || !join.TryGetProperty(roomId, out var room))
                {
                    continue;
                }

                foreach (var e in room.GetProperty("timeline").GetProperty("events").EnumerateArray())
                {
                    if (e.GetProperty("content").TryGetProperty("seq", out var seqJson))
                    {
                        var seq = seqJson.GetInt32();
                        Interlocked.Increment(ref received[client]);
                        if (seq >= WarmUpMessages)
                        {
                            samples.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt[seq]), now).TotalMilliseconds);
                        }
                    }
                }
            }
        }
    }
}
