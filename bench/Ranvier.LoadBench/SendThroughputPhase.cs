using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Ranvier.LoadBench;

/// <summary>
/// Sustained send rate and send latency. One "reader" user creates <c>--rooms</c> public rooms; <c>--senders</c> users
/// join them all. The senders then work through one shared queue of rooms × <c>--events</c> short text messages
/// (PUT /rooms/{roomId}/send/m.room.message/{txnId}), each sender with one request in flight, rooms interleaved.
/// Measured: messages per second over the whole queue, and each PUT's latency. The rooms it fills are what the
/// initial-sync, login and /messages phases read.
/// </summary>
internal sealed class SendThroughputPhase(BenchContext context)
{
    private const string Section = "send";

    public async Task<SeededRooms> RunAsync(Report report, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var setup = Stopwatch.StartNew();
        context.Note($"send: registering {options.Senders + 1} users, creating {options.Rooms} rooms, {options.Senders * options.Rooms} joins");
        var reader = (await context.RegisterAsync("reader", 1, cancellationToken))[0];
        var senders = await context.RegisterAsync("sender", options.Senders, cancellationToken);
        var roomIds = new List<string>(options.Rooms);
        for (var r = 0; r < options.Rooms; r++)
        {
            roomIds.Add(await context.Client.CreateRoomAsync(reader, "public_chat", "load " + r.ToString(CultureInfo.InvariantCulture), cancellationToken));
        }

        await context.JoinAllAsync(senders, roomIds, cancellationToken);
        report.Add(Section, "setup_s", "set-up (register, create, join)", setup.Elapsed.TotalSeconds, "s");

        var total = (long)options.Rooms * options.Events;
        context.Note($"send: {total:N0} messages from {options.Senders} senders");
        var next = -1L;
        var sends = new List<Send>[options.Senders];
        var startedAt = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Senders).Select(s => Task.Run(
            async () => sends[s] = await SendLoopAsync(senders[s], roomIds, total, watch, () => Interlocked.Increment(ref next), cancellationToken),
            cancellationToken)));
        var seconds = watch.Elapsed.TotalSeconds;
        if (options.SendLog is { } log)
        {
            await WriteLogAsync(log, startedAt, sends.SelectMany(s => s), cancellationToken);
        }

        report.Add(Section, "senders", "concurrent senders", options.Senders);
        report.Add(Section, "rooms", "rooms", options.Rooms);
        report.Add(Section, "events_per_room", "messages per room", options.Events);
        report.Add(Section, "messages", "messages sent", total);
        report.Add(Section, "seconds", "duration", seconds, "s");
        report.Add(Section, "per_second", "throughput", total / seconds, "msg/s");
        report.AddLatency(Section, string.Empty, "send latency", LatencySummary.Of(sends.SelectMany(s => s).Select(s => s.LatencyMs)));
        return new SeededRooms(reader, roomIds);
    }

    /// <summary>Takes messages off the shared queue until it is empty; returns each PUT's latency in ms.</summary>
    private async Task<List<Send>> SendLoopAsync(
        MatrixUser sender, IReadOnlyList<string> roomIds, long total, Stopwatch watch, Func<long> take, CancellationToken cancellationToken)
    {
        var sends = new List<Send>();
        for (var message = take(); message < total; message = take())
        {
            var room = (int)(message % roomIds.Count);
            var number = message / roomIds.Count;
            var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = $"message {number} in room {room}" };
            var start = watch.Elapsed;
            await context.Client.SendMessageAsync(sender, roomIds[room], "t" + message.ToString(CultureInfo.InvariantCulture), content, cancellationToken);
            sends.Add(new Send(start, (watch.Elapsed - start).TotalMilliseconds));
        }

        return sends;
    }

    /// <summary>
    /// Every PUT as a CSV line, in the order they started: the start in Unix milliseconds and the latency. Stalls that
    /// hold up every sender at once show as runs of slow PUTs that started together (docs/benchmarks.md).
    /// </summary>
    private static async Task WriteLogAsync(string path, DateTimeOffset startedAt, IEnumerable<Send> sends, CancellationToken cancellationToken)
    {
        var lines = sends.OrderBy(s => s.Start).Select(s => string.Create(
            CultureInfo.InvariantCulture, $"{(startedAt + s.Start).ToUnixTimeMilliseconds()},{s.LatencyMs:F2}"));
        await File.WriteAllLinesAsync(path, ["start_unix_ms,latency_ms", .. lines], cancellationToken);
    }

    private readonly record struct Send(TimeSpan Start, double LatencyMs);
}
