using Ranvier.Protocol.Events;

namespace Ranvier.Protocol.StateResolution;

/// <summary>The key of a room-state entry: the pair (<c>event_type</c>, <c>state_key</c>) (spec: rooms/fragments/v2-state-res, "Definitions").</summary>
public readonly record struct StateKey(string Type, string Key)
{
    /// <summary>The key a state event occupies; throws for a message event, which has none.</summary>
    public static StateKey Of(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return new StateKey(pdu.Type, pdu.StateKey ?? throw new ArgumentException($"{pdu.EventId} is not a state event", nameof(pdu)));
    }

    public override string ToString() => $"({Type}, {Key})";
}
