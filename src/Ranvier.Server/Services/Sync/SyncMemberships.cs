using System.Collections.Concurrent;
using System.Text.Json;
using Ranvier.Server.Services.Memory;
using Ranvier.Protocol.Events;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Sync;

/// <summary>Which section of a sync response a room goes in, from the user's membership at the response's position.</summary>
public enum SyncSection
{
    Join,
    Invite,
    Knock,
    Leave,
}

/// <summary>
/// One room to report: its section, the user's member event that puts it there, and whether its state is sent from
/// scratch (the client cannot know it: initial or full_state sync, or membership gained or regained in the window).
/// </summary>
/// <param name="RoomId"></param>
/// <param name="Section"></param>
/// <param name="MemberEvent"></param>
/// <param name="FromScratch"></param>
/// <param name="MembershipChanged"></param>
/// <param name="WithoutState">A left room the user never joined in or before the window (a rejected invite, a withdrawn knock): its state stays private.</param>
public sealed record SyncRoom(string RoomId, SyncSection Section, StoredEvent MemberEvent, bool FromScratch, bool MembershipChanged, bool WithoutState = false);

/// <summary>
/// Sorts a user's rooms into the sync sections (spec: GET /sync, <c>rooms.join</c>/<c>invite</c>/<c>knock</c>/<c>leave</c>)
/// from their membership at the response's position and their membership changes since the token. A room left and
/// rejoined inside the window is a joined room sent from scratch; rooms left or banned from since the token are in
/// <c>leave</c>, on an initial sync only with <c>include_leave</c>; forgotten rooms never are.
/// </summary>
public sealed class SyncMemberships(IRoomEventStore store, IRoomMembershipStore membershipStore, SyncChangeIndex changeIndex) : IReleasesMemory
{
    /// <summary>Memberships remembered across all users before the cache starts over.</summary>
    public const int CachedMemberships = 100_000;

    // Each user's memberships at the position of their latest sync: a woken sync reuses them when the change index
    // shows no member event of the user since (the usual case), instead of reading them again.
    private readonly ConcurrentDictionary<string, (long Position, IReadOnlyList<MembershipEvent> Memberships)> _cache = new(StringComparer.Ordinal);
    private int _cachedCount;

    /// <summary>The rooms to consider for <paramref name="request"/> up to stream position <paramref name="upto"/>, in room-ID order.</summary>
    public async Task<IReadOnlyList<SyncRoom>> GetRoomsAsync(SyncRequest request, long upto, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var atUpto = await MembershipsAtAsync(request.UserId, upto, cancellationToken).ConfigureAwait(false);
        var since = request.Since?.Stream;

        // A room's membership changed in the window exactly when the user's latest member event by then lies in it.
        var changes = new Dictionary<string, List<MembershipEvent>>(StringComparer.Ordinal);
        foreach (var membership in atUpto)
        {
            if (since is { } after && membership.Event.StreamPosition > after)
            {
                changes[membership.RoomId] = [.. await store.GetMembershipEventsInRoomAsync(request.UserId, membership.RoomId, after, upto, cancellationToken)
                    .ConfigureAwait(false)];
            }
        }

        // Forgotten rooms matter only for the left rooms this response could show (usually none).
        var showsLeft = atUpto.Any(m => m.Membership is Memberships.Leave or Memberships.Ban
            && (since is null ? request.Filter.Room.IncludeLeave : changes.ContainsKey(m.RoomId)));
        var forgotten = showsLeft
            ? (await membershipStore.GetForgottenRoomsAsync(request.UserId, cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal)
            : [];

        var rooms = new List<SyncRoom>(atUpto.Count);
        foreach (var membership in atUpto)
        {
            var changed = changes.GetValueOrDefault(membership.RoomId);
            var isNew = since is null || changed is not null;
            switch (membership.Membership)
            {
                case Memberships.Join:
                    var fromScratch = since is null || request.FullState
                        || (changed is not null && await GainedInWindowAsync(request.UserId, changed, cancellationToken).ConfigureAwait(false));
                    rooms.Add(new SyncRoom(membership.RoomId, SyncSection.Join, membership.Event, fromScratch, changed is not null));
                    break;
                case Memberships.Invite when isNew:
                    rooms.Add(new SyncRoom(membership.RoomId, SyncSection.Invite, membership.Event, true, true));
                    break;
                case Memberships.Knock when isNew:
                    rooms.Add(new SyncRoom(membership.RoomId, SyncSection.Knock, membership.Event, true, true));
                    break;
                case Memberships.Leave or Memberships.Ban when !forgotten.Contains(membership.RoomId):
                    if (since is null)
                    {
                        if (request.Filter.Room.IncludeLeave)
                        {
                            rooms.Add(new SyncRoom(membership.RoomId, SyncSection.Leave, membership.Event, true, true));
                        }
                    }
                    else if (changed is not null)
                    {
                        var joinedBefore = await WasJoinedBeforeAsync(request.UserId, changed, cancellationToken).ConfigureAwait(false);
                        var joinedInside = changed.Any(c => c.Membership == Memberships.Join);
                        rooms.Add(new SyncRoom(
                            membership.RoomId, SyncSection.Leave, membership.Event, FromScratch: request.FullState || !joinedBefore, true,
                            WithoutState: !joinedBefore && !joinedInside));
                    }

                    break;
            }
        }

        return rooms;
    }

    /// <summary>Forgets every remembered membership.</summary>
    public void ReleaseMemory()
    {
        _cache.Clear();
        Interlocked.Exchange(ref _cachedCount, 0);
    }

    /// <summary>The user's latest membership of each room at <paramref name="upto"/>, from the cache when nothing changed them.</summary>
    private async Task<IReadOnlyList<MembershipEvent>> MembershipsAtAsync(string userId, long upto, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(userId, out var cached) && cached.Position <= upto && changeIndex.MembershipUnchanged(userId, cached.Position, upto))
        {
            // Moved up to this position, so the next sync looks at the index from here.
            _cache.TryUpdate(userId, (upto, cached.Memberships), cached);
            return cached.Memberships;
        }

        var memberships = await store.GetMembershipsAtAsync(userId, upto, cancellationToken).ConfigureAwait(false);
        if (cached.Memberships is not null && cached.Position > upto)
        {
            return memberships;
        }

        if (Interlocked.Add(ref _cachedCount, memberships.Count - (cached.Memberships?.Count ?? 0)) > CachedMemberships)
        {
            ReleaseMemory();
        }

        _cache[userId] = (upto, memberships);
        return memberships;
    }

    /// <summary>
    /// Whether the client cannot know the room's state from the token: the user was not joined just before the window,
    /// or left and came back inside it.
    /// </summary>
    private async Task<bool> GainedInWindowAsync(string userId, List<MembershipEvent> changes, CancellationToken cancellationToken)
    {
        if (changes.Any(c => c.Membership == Memberships.Join) && changes.Any(c => c.Membership != Memberships.Join))
        {
            return true;
        }

        return !await WasJoinedBeforeAsync(userId, changes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the user was joined just before their first membership change in the window.</summary>
    private async Task<bool> WasJoinedBeforeAsync(string userId, List<MembershipEvent> changes, CancellationToken cancellationToken)
    {
        var first = changes[0].Event;
        var key = new StateKey(EventTypes.Member, userId);
        var before = await store.GetStateEventsAtEventsAsync([first.EventNid], [key], StatePoint.Before, cancellationToken).ConfigureAwait(false);
        return MembershipOf(before.GetValueOrDefault(first.EventNid)?.GetValueOrDefault(key)) == Memberships.Join;
    }

    private static string? MembershipOf(StoredEvent? stored)
    {
        if (stored is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(stored.Json);
        return document.RootElement.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object
            && content.TryGetProperty("membership", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }
}
