using Ranvier.Protocol.Events;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// Where state resolution reads events from. Synchronous on purpose: Protocol does no I/O, so a caller backed
/// by a store loads (or caches) the events it will need before resolving.
/// </summary>
public interface IEventSource
{
    /// <summary>The event with this ID, or null when it is unknown (unknown events are left out of resolution).</summary>
    Pdu? Find(string eventId);

    /// <summary>
    /// Whether the event was rejected. Rejected events are never used as auth events in the iterative auth
    /// checks (spec: rooms/fragments/v2-state-res, "Rejected events").
    /// </summary>
    bool IsRejected(string eventId) => false;
}
