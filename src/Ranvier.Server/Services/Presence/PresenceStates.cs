namespace Ranvier.Server.Services.Presence;

/// <summary>The values of <c>presence</c> (spec: m.presence, PUT /presence/{userId}/status, /sync <c>set_presence</c>).</summary>
public static class PresenceStates
{
    public const string Online = "online";
    public const string Unavailable = "unavailable";
    public const string Offline = "offline";

    public static bool IsValid(string? state) => state is Online or Unavailable or Offline;
}
