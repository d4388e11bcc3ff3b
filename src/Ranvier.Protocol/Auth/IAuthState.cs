using Ranvier.Protocol.Events;

namespace Ranvier.Protocol.Auth;

/// <summary>
/// The room state the authorization rules read: the event for a (type, state_key) pair, or null. It is either
/// the event's own auth events, the state before the event, or the current state (spec: server-server API,
/// "Checks performed on receipt of a PDU", steps 4–6). Only the five auth-relevant types are ever asked for.
/// In room version 12 the create event is not among an event's auth events, but the rules still read it:
/// a state built from auth events must have the room's create event added (<see cref="AuthState.FromEvents"/>).
/// </summary>
public interface IAuthState
{
    Pdu? Get(string type, string stateKey);
}

/// <summary>An <see cref="IAuthState"/> over a dictionary keyed by (type, state_key).</summary>
public sealed class AuthState : IAuthState
{
    private readonly IReadOnlyDictionary<(string Type, string StateKey), Pdu> _events;

    /// <summary>Wraps <paramref name="events"/> without copying it (state resolution checks many events against one map).</summary>
    public AuthState(IReadOnlyDictionary<(string Type, string StateKey), Pdu> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = events;
    }

    public static AuthState Empty { get; } = new(new Dictionary<(string Type, string StateKey), Pdu>());

    /// <summary>Builds a state from state events (message events are ignored; a later event wins a shared key), e.g. from an event's auth events plus the create event.</summary>
    public static AuthState FromEvents(IEnumerable<Pdu> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var map = new Dictionary<(string Type, string StateKey), Pdu>();
        foreach (var ev in events)
        {
            if (ev.StateKey is { } stateKey)
            {
                map[(ev.Type, stateKey)] = ev;
            }
        }

        return new AuthState(map);
    }

    public Pdu? Get(string type, string stateKey) => _events.GetValueOrDefault((type, stateKey));
}
