using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// Room state at the points a sync names (spec: "Syncing", the <c>state</c> and <c>state_after</c> notes): at a
/// stream position (the state after the room's last event at or before it), before or after a timeline event, and
/// the delta between two such states.
/// </summary>
public sealed class SyncStateReader(IRoomEventStore store, IRoomMembershipStore memberships)
{
    private static readonly IReadOnlyDictionary<StateKey, string> None = new Dictionary<StateKey, string>();

    /// <summary>The room's state as of stream position <paramref name="position"/>; empty when the room had no event by then.</summary>
    public async Task<IReadOnlyDictionary<StateKey, string>> AtStreamAsync(string roomId, long position, CancellationToken cancellationToken)
    {
        var last = await memberships.GetLastEventIdAtStreamPositionAsync(roomId, position, cancellationToken).ConfigureAwait(false);
        return last is null ? None : await AtEventAsync(last, StatePoint.After, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The state on one side of an event (empty when unknown).</summary>
    public async Task<IReadOnlyDictionary<StateKey, string>> AtEventAsync(string eventId, StatePoint point, CancellationToken cancellationToken) =>
        await store.GetStateAtEventAsync(eventId, point, cancellationToken).ConfigureAwait(false) ?? None;

    /// <summary>The entries of <paramref name="to"/> that <paramref name="from"/> does not have with the same event (null: everything).</summary>
    public static Dictionary<StateKey, string> Delta(IReadOnlyDictionary<StateKey, string>? from, IReadOnlyDictionary<StateKey, string> to)
    {
        ArgumentNullException.ThrowIfNull(to);
        var delta = new Dictionary<StateKey, string>();
        foreach (var (key, eventId) in to)
        {
            if (from is null || !from.TryGetValue(key, out var known) || known != eventId)
            {
                delta[key] = eventId;
            }
        }

        return delta;
    }
}
