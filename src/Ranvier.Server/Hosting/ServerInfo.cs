using System.Reflection;

namespace Ranvier.Server;

/// <summary>What this build of Ranvier calls itself.</summary>
internal static class ServerInfo
{
    public static string Version { get; } =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
