namespace Ranvier.Protocol.Push;

/// <summary>A push rule, condition or action does not have the shape the spec defines.</summary>
public sealed class PushRuleFormatException : Exception
{
    public PushRuleFormatException(string message)
        : base(message)
    {
    }

    public PushRuleFormatException()
    {
    }

    public PushRuleFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
