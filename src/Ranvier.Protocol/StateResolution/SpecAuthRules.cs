using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.StateResolution;

/// <summary>
/// The authorization rules of the spec (<see cref="EventAuth"/>, <see cref="PowerLevels"/>) in the shape state
/// resolution asks for them; what <see cref="StateResolver"/> uses unless told otherwise.
/// </summary>
public sealed class SpecAuthRules : IStateResolutionAuth
{
    public static SpecAuthRules Instance { get; } = new();

    public bool IsAllowed(RoomVersion version, Pdu pdu, Func<StateKey, Pdu?> state) =>
        EventAuth.Check(version, pdu, new LookupState(state)).Allowed;

    /// <summary>The sender's level in the power levels among the auth events; unreadable power levels count as 0.</summary>
    public long SenderPowerLevel(RoomVersion version, Pdu pdu, Func<StateKey, Pdu?> authEvents)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return PowerLevels.TryFromState(version, new LookupState(authEvents), out _)?.UserLevel(pdu.Sender) ?? 0;
    }

    private sealed class LookupState(Func<StateKey, Pdu?> lookup) : IAuthState
    {
        public Pdu? Get(string type, string stateKey) => lookup(new StateKey(type, stateKey));
    }
}
