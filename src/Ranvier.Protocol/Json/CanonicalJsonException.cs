namespace Ranvier.Protocol.Json;

/// <summary>A value cannot be written as canonical JSON (a float, an out-of-range integer, an unpaired surrogate, too deep).</summary>
public sealed class CanonicalJsonException : FormatException
{
    public CanonicalJsonException()
    {
    }

    public CanonicalJsonException(string message)
        : base(message)
    {
    }

    public CanonicalJsonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
