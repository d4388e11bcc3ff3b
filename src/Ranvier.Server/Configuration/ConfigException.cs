namespace Ranvier.Server.Configuration;

/// <summary>The configuration is unusable; the message names each offending key.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ConfigException()
    {
    }
}
