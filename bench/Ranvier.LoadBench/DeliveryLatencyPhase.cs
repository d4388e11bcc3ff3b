using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.LoadBench;

/// <summary>
/// Send→receive delivery latency to long-polling clients. <c>--clients</c> users join one public room of their own;
/// after its initial sync each runs a /sync loop as clients do (<c>since</c> = the previous <c>next_batch</c>,
/// <c>timeout=30000</c>). One sender then PUTs <c>--messages</c> messages at <c>--rate</c> per second, after
/// <see cref="WarmUpMessages"/> uncounted ones, each carrying its number in <c>content.seq</c>. A sample is, for one
/// message and one client, the time from just before the PUT until that client has parsed the /sync response carrying
/// the message. Pairs never seen within <see cref="StragglerWait"/> after the last send are reported as missing.
/// </summary>
internal sealed class DeliveryLatencyPhase(BenchContext context)
{
    private const string Section = "delivery";
    private const int WarmUpMessages = 5;
    private static readonly TimeSpan StragglerWait = TimeSpan.FromSeconds(30);

    /// <summary>Runs the phase; returns the number of missing samples (a non-zero count fails the run).</summary>
    public async Task<long> RunAsync(Report report, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var setup = Stopwatch.StartNew();
        context.Note($"delivery: registering {options.Clients + 1} users and joining them to one room");
        var sender = (await context.RegisterAsync("announcer", 1, cancellationToken))[0];
        var clients = await context.RegisterAsync("client", options.Clients, cancellationToken);
        var roomId = await context.Client.CreateRoomAsync(sender, "public_chat", "delivery", cancellationToken);
        await context.JoinAllAsync(clients, [roomId], cancellationToken);

        // Each client starts from its own initial sync, so its loop then only sees new events.
        var since = new string[clients.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, clients.Length),
            new ParallelOptions { MaxDegreeOfParallelism = options.SetupConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                using var sync = await context.Client.SyncAsync(clients[i], null, 0, null, ct);
                since[i] = sync.RootElement.GetProperty("next_batch").GetString()!;
            });
        report.Add(Section, "setup_s", "set-up (register, join, initial syncs)", setup.Elapsed.TotalSeconds, "s");

        var total = WarmUpMessages + options.Messages;
        var tracker = new DeliveryTracker(clients.Length, total);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = clients.Select((client, i) => Task.Run(() => PollAsync(i, client, since[i], roomId, tracker, stop), CancellationToken.None)).ToArray();

        try
        {
            await SendAndWaitAsync(sender, roomId, tracker, stop.Token, cancellationToken);
        }
        finally
        {
            // Ends every long-poll, also when a send failed, so no loop outlives the phase.
            await stop.CancelAsync();
        }

        await Task.WhenAll(loops);

        var samples = tracker.Samples(WarmUpMessages);
        var missing = (long)clients.Length * options.Messages - samples.Count;
        report.Add(Section, "clients", "long-polling clients", clients.Length);
        report.Add(Section, "messages", "messages (after warm-up)", options.Messages);
        report.Add(Section, "rate_per_second", "send rate", options.Rate, "msg/s");
        report.Add(Section, "samples", "samples", samples.Count);
        report.Add(Section, "missing", "missing", missing);
        report.AddLatency(Section, string.Empty, "send→sync", LatencySummary.Of(samples));

        // Where the time goes: the PUT until the server answered it, and the first client to see each message.
        report.AddLatency(Section, "put_", "send (PUT answered)", LatencySummary.Of(tracker.PutLatencies(WarmUpMessages)));
        report.AddLatency(Section, "first_", "send→first client", LatencySummary.Of(tracker.FirstDeliveries(WarmUpMessages)));
        return missing;
    }

    /// <summary>
    /// Sends the numbered messages at the configured rate, then waits (bounded) for the stragglers. A client whose loop
    /// failed cancels <paramref name="stop"/>, which ends the phase at once.
    /// </summary>
    private async Task SendAndWaitAsync(MatrixUser sender, string roomId, DeliveryTracker tracker, CancellationToken stop, CancellationToken cancellationToken)
    {
        var options = context.Options;
        context.Note($"delivery: {tracker.Messages} messages at {options.Rate.ToString(CultureInfo.InvariantCulture)}/s to {options.Clients} long-polling clients");
        using (var pace = new PeriodicTimer(TimeSpan.FromSeconds(1 / options.Rate)))
        {
            for (var seq = 0; seq < tracker.Messages && !stop.IsCancellationRequested; seq++)
            {
                await pace.WaitForNextTickAsync(cancellationToken);
                tracker.MarkSent(seq);
                var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = "delivery " + seq.ToString(CultureInfo.InvariantCulture), ["seq"] = seq };
                await context.Client.SendMessageAsync(sender, roomId, "d" + seq.ToString(CultureInfo.InvariantCulture), content, cancellationToken);
                tracker.MarkAnswered(seq);
            }
        }

        var waited = Stopwatch.StartNew();
        while (!tracker.AllReceived && waited.Elapsed < StragglerWait && !stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>
    /// One client's long-poll loop. A failing request stops every loop (through <paramref name="stop"/>) and is rethrown
    /// when the phase awaits the loops.
    /// </summary>
    private async Task PollAsync(int client, MatrixUser user, string since, string roomId, DeliveryTracker tracker, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            JsonDocument sync;
            try
            {
                sync = await context.Client.SyncAsync(user, since, 30_000, null, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                await stop.CancelAsync();
                throw;
            }

            var now = Stopwatch.GetTimestamp();
            using (sync)
            {
                since = sync.RootElement.GetProperty("next_batch").GetString()!;
                if (sync.RootElement.TryGetProperty("rooms", out var rooms) && rooms.TryGetProperty("join", out var join)
                    && join.TryGetProperty(roomId, out var room) && room.TryGetProperty("timeline", out var timeline))
                {
                    foreach (var e in timeline.GetProperty("events").EnumerateArray())
                    {
                        if (e.TryGetProperty("content", out var content) && content.TryGetProperty("seq", out var seq) && seq.TryGetInt32(out var number))
                        {
                            tracker.MarkReceived(client, number, now);
                        }
                    }
                }
            }
        }
    }

    /// <summary>When each message was sent and when each client first saw it (Stopwatch timestamps; 0 = not yet).</summary>
    private sealed class DeliveryTracker(int clients, int messages)
    {
        public int Messages => messages;

        private readonly long[] sentAt = new long[messages];
        private readonly long[] answeredAt = new long[messages];
        private readonly long[][] receivedAt = Enumerable.Range(0, clients).Select(_ => new long[messages]).ToArray();
        private readonly int[] receivedCount = new int[clients];

        public bool AllReceived => Enumerable.Range(0, clients).All(i => Volatile.Read(ref receivedCount[i]) >= messages);

        public void MarkSent(int seq) => Volatile.Write(ref sentAt[seq], Stopwatch.GetTimestamp());

        public void MarkAnswered(int seq) => Volatile.Write(ref answeredAt[seq], Stopwatch.GetTimestamp());

        public IEnumerable<double> PutLatencies(int skip) =>
            Enumerable.Range(skip, messages - skip).Where(seq => answeredAt[seq] != 0)
                .Select(seq => Stopwatch.GetElapsedTime(sentAt[seq], answeredAt[seq]).TotalMilliseconds);

        public IEnumerable<double> FirstDeliveries(int skip) =>
            Enumerable.Range(skip, messages - skip)
                .Select(seq => (Sent: sentAt[seq], First: receivedAt.Select(row => row[seq]).Where(t => t != 0).DefaultIfEmpty(0).Min()))
                .Where(m => m.First != 0)
                .Select(m => Stopwatch.GetElapsedTime(m.Sent, m.First).TotalMilliseconds);

        public void MarkReceived(int client, int seq, long timestamp)
        {
            // Each loop writes only its own row, so the first sighting needs no lock.
            if (seq < 0 || seq >= messages || receivedAt[client][seq] != 0)
            {
                return;
            }

            receivedAt[client][seq] = timestamp;
            Interlocked.Increment(ref receivedCount[client]);
        }

        public List<double> Samples(int skip)
        {
            var samples = new List<double>();
            for (var seq = skip; seq < messages; seq++)
            {
                var sent = Volatile.Read(ref sentAt[seq]);
                samples.AddRange(receivedAt.Where(row => row[seq] != 0).Select(row => Stopwatch.GetElapsedTime(sent, row[seq]).TotalMilliseconds));
            }

            return samples;
        }
    }
}
