using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ranvier.LoadBench;

/// <summary>
/// The figures of a run. Each is recorded once, with a stable JSON key inside its phase's section and a label for
/// people; <see cref="Flush"/> prints the rows not yet printed as a table (phase, metric, value), and
/// <see cref="ToJsonLine"/> renders every figure as one JSON object for scripts to compare runs.
/// </summary>
internal sealed class Report
{
    private readonly List<Figure> figures = [];
    private int printed;

    /// <summary>A figure outside any phase (the server, the machine).</summary>
    public void AddTop(string key, string label, string value) => figures.Add(new Figure(null, key, label, value, null));

    /// <inheritdoc cref="AddTop(string, string, string)"/>
    public void AddTop(string key, string label, long value) => figures.Add(new Figure(null, key, label, value, null));

    /// <summary>A number of a phase; null or NaN means "not available" (JSON null).</summary>
    public void Add(string section, string key, string label, double? value, string unit) =>
        figures.Add(new Figure(section, key, label, value is { } v && !double.IsNaN(v) ? Math.Round(v, 2) : null, unit));

    /// <summary>A count of a phase.</summary>
    public void Add(string section, string key, string label, long value) => figures.Add(new Figure(section, key, label, value, null));

    /// <summary>The four figures every latency gets: p50, p90, p99 and max, in milliseconds.</summary>
    public void AddLatency(string section, string prefix, string label, LatencySummary latency)
    {
        Add(section, prefix + "p50_ms", label + " p50", latency.P50, "ms");
        Add(section, prefix + "p90_ms", label + " p90", latency.P90, "ms");
        Add(section, prefix + "p99_ms", label + " p99", latency.P99, "ms");
        Add(section, prefix + "max_ms", label + " max", latency.Max, "ms");
    }

    public static void WriteHeader(TextWriter output)
    {
        output.WriteLine($"{"phase",-14} {"metric",-40} {"value",14}");
        output.WriteLine(new string('-', 14 + 1 + 40 + 1 + 14));
    }

    /// <summary>Prints the rows recorded since the last call.</summary>
    public void Flush(TextWriter output)
    {
        for (; printed < figures.Count; printed++)
        {
            var figure = figures[printed];
            output.WriteLine($"{figure.Section ?? "run",-14} {figure.Label,-40} {figure.Display,14}");
        }

        output.Flush();
    }

    /// <summary>Every figure as one JSON object: top-level figures first, then one object per phase, in recording order.</summary>
    public string ToJsonLine()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            foreach (var figure in figures.Where(f => f.Section is null))
            {
                figure.WriteTo(json);
            }

            foreach (var section in figures.Where(f => f.Section is not null).GroupBy(f => f.Section!))
            {
                json.WriteStartObject(section.Key);
                foreach (var figure in section)
                {
                    figure.WriteTo(json);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private sealed record Figure(string? Section, string Key, string Label, object? Value, string? Unit)
    {
        public string Display => Value switch
        {
            null => "n/a",
            double d => d.ToString("#,0.0", CultureInfo.InvariantCulture) + " " + Unit,
            long l => l.ToString("#,0", CultureInfo.InvariantCulture),
            _ => Value.ToString() ?? string.Empty,
        };

        public void WriteTo(Utf8JsonWriter json)
        {
            switch (Value)
            {
                case null:
                    json.WriteNull(Key);
                    break;
                case double d:
                    json.WriteNumber(Key, d);
                    break;
                case long l:
                    json.WriteNumber(Key, l);
                    break;
                default:
                    json.WriteString(Key, Value.ToString());
                    break;
            }
        }
    }
}
