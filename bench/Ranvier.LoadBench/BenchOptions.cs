using System.Globalization;

namespace Ranvier.LoadBench;

/// <summary>
/// The command line, parsed once. Every figure has a default sized for the targets of issue 10 on a 2-core machine;
/// <c>--smoke</c> replaces the defaults with tiny ones (explicit options still win) so the test suite can run the
/// whole generator in seconds.
/// </summary>
internal sealed record BenchOptions
{
    /// <summary>The phases, in the order they run.</summary>
    public static readonly IReadOnlyList<string> AllPhases = ["send", "delivery", "initial_sync", "login_sync", "messages", "idle"];

    public Uri? Url { get; init; }

    public int? Pid { get; init; }

    /// <summary>The server to start: a <c>ranvier.dll</c> (run with <c>dotnet</c>) or a native <c>ranvier</c> executable (NativeAOT).</summary>
    public string? Server { get; init; }

    public int Senders { get; init; } = 32;

    public int Rooms { get; init; } = 100;

    public int Events { get; init; } = 1000;

    public int Clients { get; init; } = 200;

    public int Messages { get; init; } = 100;

    public double Rate { get; init; } = 10;

    public int Repetitions { get; init; } = 5;

    public int Pages { get; init; } = 10;

    public int PagedRooms { get; init; } = 10;

    public int QuietSeconds { get; init; } = 60;

    /// <summary>Where the send phase writes one CSV line per PUT (its start, in Unix milliseconds, and its latency), or null.</summary>
    public string? SendLog { get; init; }

    /// <summary>Concurrent registrations and joins during set-up (set-up is not measured).</summary>
    public int SetupConcurrency { get; init; } = 8;

    public IReadOnlySet<string> Phases { get; init; } = AllPhases.ToHashSet();

    public bool Runs(string phase) => Phases.Contains(phase);

    /// <summary>Initial sync, login sync and /messages read the rooms the send phase filled.</summary>
    public bool NeedsSendPhase => Phases.Overlaps(["send", "initial_sync", "login_sync", "messages"]);

    public const string Usage = """
        usage: Ranvier.LoadBench [--url URL [--pid N] | --server PATH] [--only PHASE,...] [--smoke]
                                 [--senders C] [--rooms R] [--events E] [--clients M] [--messages N] [--rate PER_S]
                                 [--repetitions K] [--pages P] [--paged-rooms N] [--quiet-seconds S] [--send-log FILE]
          phases: send, delivery, initial_sync, login_sync, messages, idle (default: all)
        """;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user on a bad one.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--smoke")
            ? new BenchOptions
            {
                Senders = 4,
                Rooms = 3,
                Events = 20,
                Clients = 5,
                Messages = 5,
                Rate = 20,
                Repetitions = 1,
                Pages = 2,
                PagedRooms = 3,
                QuietSeconds = 1,
            }
            : new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--smoke")
            {
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            var value = args[++i];
            options = name switch
            {
                "--url" => options with { Url = Uri.TryCreate(value, UriKind.Absolute, out var url) ? url : throw new ArgumentException($"--url: not an absolute URL: {value}") },
                "--pid" => options with { Pid = Positive(name, value) },
                "--server" => options with { Server = value },
                "--senders" => options with { Senders = Positive(name, value) },
                "--rooms" => options with { Rooms = Positive(name, value) },
                "--events" => options with { Events = Positive(name, value) },
                "--clients" => options with { Clients = Positive(name, value) },
                "--messages" => options with { Messages = Positive(name, value) },
                "--rate" => options with { Rate = double.TryParse(value, CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate : throw new ArgumentException($"--rate: not a positive number: {value}") },
                "--repetitions" => options with { Repetitions = Positive(name, value) },
                "--pages" => options with { Pages = Positive(name, value) },
                "--paged-rooms" => options with { PagedRooms = Positive(name, value) },
                "--quiet-seconds" => options with { QuietSeconds = int.TryParse(value, CultureInfo.InvariantCulture, out var quiet) && quiet >= 0 ? quiet : throw new ArgumentException($"--quiet-seconds: not a number ≥ 0: {value}") },
                "--only" => options with { Phases = ParsePhases(value) },
                "--send-log" => options with { SendLog = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var number) && number > 0 ? number : throw new ArgumentException($"{name}: not a positive integer: {value}");

    private static HashSet<string> ParsePhases(string value)
    {
        var phases = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        var unknown = phases.Except(AllPhases).ToList();
        return unknown.Count == 0 && phases.Count > 0 ? phases : throw new ArgumentException($"--only: unknown phase(s) {string.Join(", ", unknown)}");
    }
}
