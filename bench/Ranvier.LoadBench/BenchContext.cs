using System.Globalization;

namespace Ranvier.LoadBench;

/// <summary>
/// What every phase shares: the client, the options, user names unique to this run (so the bench can run again
/// against the same server), and the set-up steps that are not measured.
/// </summary>
internal sealed class BenchContext(MatrixClient client, BenchOptions options, TextWriter progress)
{
    private readonly string run = "lb" + Guid.NewGuid().ToString("N")[..8];

    public MatrixClient Client => client;

    public BenchOptions Options => options;

    /// <summary>The password of every user this run registers.</summary>
    public string Password { get; } = "loadbench-" + Guid.NewGuid().ToString("N");

    /// <summary>A progress note on the error stream, keeping standard output for the table and the JSON line.</summary>
    public void Note(string text)
    {
        progress.WriteLine(text);
        progress.Flush();
    }

    /// <summary>Registers <paramref name="count"/> users named after their role, a few at a time.</summary>
    public async Task<MatrixUser[]> RegisterAsync(string role, int count, CancellationToken cancellationToken)
    {
        var users = new MatrixUser[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = options.SetupConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => users[i] = await client.RegisterAsync($"{run}_{role}{i.ToString(CultureInfo.InvariantCulture)}", Password, ct));
        return users;
    }

    /// <summary>Joins every user to every room, a few joins at a time.</summary>
    public Task JoinAllAsync(IReadOnlyList<MatrixUser> users, IReadOnlyList<string> roomIds, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            users.SelectMany(user => roomIds.Select(roomId => (user, roomId))),
            new ParallelOptions { MaxDegreeOfParallelism = options.SetupConcurrency, CancellationToken = cancellationToken },
            async (join, ct) => await client.JoinAsync(join.user, join.roomId, ct));
}

/// <summary>The rooms the send phase filled and the user who is in all of them without having sent anything.</summary>
internal sealed record SeededRooms(MatrixUser Reader, IReadOnlyList<string> RoomIds);
