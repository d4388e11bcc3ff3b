using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.StateResolution;

/// <summary>Which events state resolution treats as power events (spec: rooms/fragments/v2-state-res, "Power events").</summary>
public static class PowerEvents
{
    /// <summary>
    /// Power levels, join rules, and a leave or ban of someone other than the sender: events that may take a
    /// right away. The create event counts too, as in Synapse, so that if it is ever in the full conflicted
    /// set it sorts before everything it authorises.
    /// </summary>
    public static bool IsPowerEvent(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return pdu switch
        {
            { Type: EventTypes.PowerLevels or EventTypes.JoinRules or EventTypes.Create, StateKey: "" } => true,
            { Type: EventTypes.Member, StateKey: { } target } => Membership(pdu) is "leave" or "ban" && target != pdu.Sender,
            _ => false,
        };
    }

    internal static string? Membership(Pdu pdu) =>
        JsonNodeValues.GetString(pdu.Content, "membership");
}
