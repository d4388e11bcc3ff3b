namespace Ranvier.LoadBench;

/// <summary>
/// The homeserver being measured: where it answers, and (when known) its process, whose resident memory the bench reads.
/// </summary>
internal interface IServerUnderTest : IAsyncDisposable
{
    Uri BaseUrl { get; }

    /// <summary>The server's process ID on this machine, or null when it runs elsewhere or was not named.</summary>
    int? ProcessId { get; }

    /// <summary>How the report names the server when it does not name itself.</summary>
    string Description { get; }
}

/// <summary>
/// A homeserver that is already running (<c>--url</c>, optionally <c>--pid</c>). Its registration must be open with the
/// <c>m.login.dummy</c> stage and not throttled, since the bench registers every user it needs.
/// </summary>
internal sealed record ExistingServer(Uri BaseUrl, int? ProcessId) : IServerUnderTest
{
    public string Description => BaseUrl.ToString();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
