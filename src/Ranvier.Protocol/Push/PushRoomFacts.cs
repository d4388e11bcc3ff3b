namespace Ranvier.Protocol.Push;

/// <summary>
/// What evaluating push rules needs to know about the event's room besides the event (spec: "Conditions"):
/// the current member count (<c>room_member_count</c>) and the sender's power against the room's
/// <c>notifications</c> levels (<c>sender_notification_permission</c>).
/// </summary>
/// <param name="MemberCount">Joined members of the room now.</param>
/// <param name="SenderPowerLevel">The sender's power level in the room.</param>
/// <param name="NotificationPowerLevels">The power levels' <c>notifications</c> object; a key it lacks needs 50.</param>
public sealed record PushRoomFacts(long MemberCount, long SenderPowerLevel, IReadOnlyDictionary<string, long> NotificationPowerLevels)
{
    /// <summary>The level a notification key needs when the power levels do not give one (m.room.power_levels: room = 50).</summary>
    public const long DefaultNotificationLevel = 50;

    /// <summary>Whether the sender may cause notifications of <paramref name="key"/>.</summary>
    public bool SenderMayNotify(string key) =>
        SenderPowerLevel >= (NotificationPowerLevels.TryGetValue(key, out var level) ? level : DefaultNotificationLevel);
}
