using System.Diagnostics;

namespace Ranvier.LoadBench;

/// <summary>
/// A fresh login's first sync, as a client signing in on a new device sees it: POST /login (<c>m.login.password</c>
/// with an <c>m.id.user</c> identifier) for the reader of the send phase, then GET /sync with <c>timeout=0</c> and the
/// new token, body read to its end. Repeated <c>--repetitions</c> times, each a new device (logged out afterwards,
/// untimed). Measured: the login, the first sync, and both together. The login includes the server's password hash.
/// </summary>
internal sealed class LoginSyncPhase(BenchContext context)
{
    private const string Section = "login_sync";

    public async Task RunAsync(SeededRooms seeded, Report report, CancellationToken cancellationToken)
    {
        context.Note($"login_sync: {context.Options.Repetitions} logins with a first sync");
        var logins = new List<double>();
        var syncs = new List<double>();
        var totals = new List<double>();
        for (var i = 0; i < context.Options.Repetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var device = await context.Client.LoginAsync(seeded.Reader.Localpart, context.Password, cancellationToken);
            var loggedIn = Stopwatch.GetTimestamp();
            await context.Client.SyncBytesAsync(device, null, 0, null, cancellationToken);
            var synced = Stopwatch.GetTimestamp();
            logins.Add(Stopwatch.GetElapsedTime(start, loggedIn).TotalMilliseconds);
            syncs.Add(Stopwatch.GetElapsedTime(loggedIn, synced).TotalMilliseconds);
            totals.Add(Stopwatch.GetElapsedTime(start, synced).TotalMilliseconds);
            await context.Client.LogoutAsync(device, cancellationToken);
        }

        report.Add(Section, "repetitions", "repetitions", context.Options.Repetitions);
        report.Add(Section, "login_median_ms", "login median", LatencySummary.Of(logins).P50, "ms");
        report.Add(Section, "first_sync_median_ms", "first sync median", LatencySummary.Of(syncs).P50, "ms");
        var total = LatencySummary.Of(totals);
        report.Add(Section, "total_median_ms", "login + first sync median", total.P50, "ms");
        report.Add(Section, "total_max_ms", "login + first sync max", total.Max, "ms");
    }
}
