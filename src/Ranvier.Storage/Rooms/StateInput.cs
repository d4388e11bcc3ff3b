namespace Ranvier.Storage.Rooms;

/// <summary>
/// The state of the room just before an event, as the caller (the event pipeline) determined it: either the
/// state after one of its prev_events with a few changes (the common, cheap case), or a full map (e.g. the
/// result of state resolution across several prev_events). The store derives the state after the event.
/// </summary>
public abstract record StateInput
{
    private StateInput()
    {
    }

    /// <summary>
    /// The state after <paramref name="BaseEventId"/> (an event with known state), then <paramref name="Changes"/>
    /// applied; a null event ID in a change removes that key. No changes reuses the base's stored state as is.
    /// </summary>
    public sealed record Delta(string BaseEventId, IReadOnlyDictionary<StateKey, string?> Changes) : StateInput;

    /// <summary>The whole state, as (type, state_key) → event ID. Every event named must already be stored.</summary>
    public sealed record Full(IReadOnlyDictionary<StateKey, string> State) : StateInput;

    /// <summary>The state after <paramref name="baseEventId"/>, unchanged (a message or first-level child in a linear room).</summary>
    public static Delta After(string baseEventId) => new(baseEventId, new Dictionary<StateKey, string?>());

    /// <summary>The empty state (before a room's create event).</summary>
    public static Full Empty { get; } = new(new Dictionary<StateKey, string>());
}
