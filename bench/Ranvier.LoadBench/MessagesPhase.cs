using System.Diagnostics;
using System.Text.Json;

namespace Ranvier.LoadBench;

/// <summary>
/// /messages back-pagination, as a client scrolling up: for the reader of the send phase, in <c>--paged-rooms</c> of
/// its rooms, GET /rooms/{roomId}/messages?dir=b&amp;limit=100 from the room's <c>prev_batch</c> (one sync with a
/// timeline limit of 1 supplies them), then following <c>end</c> for up to <c>--pages</c> pages or until the room's
/// start. One request at a time. Measured: each page's latency and how many events pages carried.
/// </summary>
internal sealed class MessagesPhase(BenchContext context)
{
    private const string Section = "messages";
    private const int PageSize = 100;
    private const string LatestEventFilter = """{"room":{"timeline":{"limit":1}}}""";

    public async Task RunAsync(SeededRooms seeded, Report report, CancellationToken cancellationToken)
    {
        var rooms = seeded.RoomIds.Take(context.Options.PagedRooms).ToList();
        context.Note($"messages: paging back through {rooms.Count} rooms");
        var prevBatch = await PrevBatchesAsync(seeded.Reader, cancellationToken);
        var times = new List<double>();
        long events = 0;
        foreach (var roomId in rooms)
        {
            var from = prevBatch.GetValueOrDefault(roomId);
            for (var page = 0; page < context.Options.Pages; page++)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await context.Client.MessagesAsync(seeded.Reader, roomId, from, PageSize, cancellationToken);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                var chunk = response.RootElement.GetProperty("chunk").GetArrayLength();
                events += chunk;
                from = response.RootElement.TryGetProperty("end", out var end) && end.ValueKind == JsonValueKind.String ? end.GetString() : null;
                if (from is null || chunk == 0)
                {
                    break;
                }
            }
        }

        report.Add(Section, "rooms", "rooms paged", rooms.Count);
        report.Add(Section, "pages", "pages of up to 100", times.Count);
        report.Add(Section, "events", "events returned", events);
        report.AddLatency(Section, string.Empty, "page latency", LatencySummary.Of(times));
    }

    /// <summary>Each joined room's <c>timeline.prev_batch</c>, from one sync that asks for a single timeline event per room.</summary>
    private async Task<Dictionary<string, string>> PrevBatchesAsync(MatrixUser reader, CancellationToken cancellationToken)
    {
        using var sync = await context.Client.SyncAsync(reader, null, 0, LatestEventFilter, cancellationToken);
        var tokens = new Dictionary<string, string>();
        if (sync.RootElement.TryGetProperty("rooms", out var rooms) && rooms.TryGetProperty("join", out var join))
        {
            foreach (var room in join.EnumerateObject())
            {
                if (room.Value.TryGetProperty("timeline", out var timeline) && timeline.TryGetProperty("prev_batch", out var prev)
                    && prev.ValueKind == JsonValueKind.String)
                {
                    tokens[room.Name] = prev.GetString()!;
                }
            }
        }

        return tokens;
    }
}
