using Ranvier.Server.Services.Filters;

namespace Ranvier.Server.Services.Sync;

/// <summary>One GET /sync as asked (spec: client-server API "Syncing"), before anything is computed.</summary>
/// <param name="UserId">The requesting user.</param>
/// <param name="DeviceId">The requesting device (the access token's).</param>
/// <param name="Since">The <c>since</c> token; null for an initial sync.</param>
/// <param name="FullState">The <c>full_state</c> parameter: send every room's state from scratch.</param>
/// <param name="Filter">The filter in force (inline, stored, or the empty filter).</param>
/// <param name="SetPresence">The <c>set_presence</c> parameter (online, offline, unavailable); null when absent.</param>
/// <param name="IsGuest">Whether the requester is a guest.</param>
public sealed record SyncRequest(
    string UserId,
    string DeviceId,
    SyncToken? Since,
    bool FullState,
    Filter Filter,
    string? SetPresence,
    bool IsGuest)
{
    /// <summary>
    /// The <c>use_state_after</c> parameter (spec v1.16): room state is sent as the state at the end of the timeline
    /// (<c>state_after</c>) instead of at its start (<c>state</c>).
    /// </summary>
    public bool UseStateAfter { get; init; }
}

/// <summary>
/// What one computed sync response covers: the request, the positions it goes up to (its <c>next_batch</c>), and
/// the user's rooms at that point. Handed to every <see cref="ISyncContributor"/>.
/// </summary>
public sealed class SyncWindow
{
    public required SyncRequest Request { get; init; }

    /// <summary>The positions this response covers up to; it becomes <c>next_batch</c>. Read nothing beyond it.</summary>
    public required SyncToken Upto { get; init; }

    /// <summary>Rooms the user is joined to at <see cref="Upto"/> (before the filter's room lists apply).</summary>
    public required IReadOnlySet<string> JoinedRoomIds { get; init; }

    /// <summary>
    /// Joined rooms this response sends from scratch: every joined room on an initial or full_state sync, and rooms
    /// joined since the token otherwise. Ephemeral data for these is their current state, not a delta.
    /// </summary>
    public required IReadOnlySet<string> FromScratchRoomIds { get; init; }

    /// <summary>The start of the delta: the since token, or null when everything is sent from scratch.</summary>
    public SyncToken? From => Request.FullState ? null : Request.Since;

    /// <summary>
    /// What (<see cref="From"/>, <see cref="Upto"/>] may have changed for the user, from the <see cref="SyncChangeIndex"/>:
    /// a part of the response may skip its reads when this rules its kind of change out.
    /// </summary>
    public SyncChanges Changes { get; init; } = SyncChanges.Unknown;
}
