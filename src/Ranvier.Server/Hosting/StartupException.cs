namespace Ranvier.Server.Hosting;

/// <summary>Start-up cannot proceed (unreadable signing key, database from a newer Ranvier …); the message says why.</summary>
public sealed class StartupException : Exception
{
    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public StartupException()
    {
    }
}
