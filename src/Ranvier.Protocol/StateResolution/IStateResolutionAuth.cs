using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The two questions state resolution asks of the authorization rules: is an event allowed in a given state,
/// and what power level does its sender have according to its own auth events.
/// </summary>
public interface IStateResolutionAuth
{
    /// <summary>
    /// Whether <paramref name="pdu"/> passes the state-dependent authorization rules of <paramref name="version"/>
    /// when the state consulted is <paramref name="state"/> (null where the state has no entry for a key).
    /// </summary>
    bool IsAllowed(RoomVersion version, Pdu pdu, Func<StateKey, Pdu?> state);

    /// <summary>
    /// The power level of <paramref name="pdu"/>'s sender read from <paramref name="authEvents"/> (the event's own
    /// auth events): room creators' infinite power in v12 as <see cref="long.MaxValue"/>.
    /// </summary>
    long SenderPowerLevel(RoomVersion version, Pdu pdu, Func<StateKey, Pdu?> authEvents);
}
