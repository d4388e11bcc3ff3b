using System.Runtime.CompilerServices;
using System.Text.Json;
using Ranvier.Protocol.Events;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// History visibility (spec: client-server API, "Room History Visibility", server behaviour): which events of a room
/// a user may see, decided per event by the room's state at that event. Every read path that hands events to a
/// client (/messages, /context, /event, relations, search) passes them through <see cref="FilterAsync"/>; the
/// room-level gate (may this user read the room at all: 403) is <see cref="RoomReadAccess"/>.
/// </summary>
public sealed class EventVisibility(RoomEventReader reader)
{
    private const string WorldReadable = "world_readable";
    private const string Shared = "shared";
    private const string Invited = "invited";
    private const string Joined = "joined";

    private static readonly StateKey VisibilityKey = new(EventTypes.HistoryVisibility, string.Empty);

    /// <summary>
    /// The events of <paramref name="roomId"/> among <paramref name="events"/> that <paramref name="userId"/> may see,
    /// in the order given. Events of other rooms and events that are not accepted (soft-failed, rejected, outliers)
    /// are never visible. Costs a few queries per call whatever the number of events (state is read per state group).
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> FilterAsync(string userId, string roomId, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(events);
        var candidates = events.Where(e => e.RoomId == roomId && e.Status == EventStatus.Accepted).ToList();
        if (candidates.Count == 0)
        {
            return candidates;
        }

        var memberKey = new StateKey(EventTypes.Member, userId);
        var store = reader.Store;
        var states = await store.GetStateEventsAtEventsAsync(
            candidates.Select(e => e.EventNid).ToList(), [VisibilityKey, memberKey], StatePoint.Before, cancellationToken).ConfigureAwait(false);

        // The user's membership now matters only for events their membership at the event does not already show them
        // (a joined user reading new messages never needs it), so it is read only then.
        Viewer? viewer = null;
        var visible = new List<StoredEvent>(candidates.Count);
        foreach (var stored in candidates)
        {
            if (!states.TryGetValue(stored.EventNid, out var before))
            {
                continue;
            }

            var visibility = HistoryVisibilityOf(before.GetValueOrDefault(VisibilityKey));
            var membership = MembershipOf(before.GetValueOrDefault(memberKey));
            if (!Viewer.AllowsWhatever(visibility, membership))
            {
                viewer ??= await ViewerAsync(store, roomId, memberKey, cancellationToken).ConfigureAwait(false);
                if (!IsVisible(viewer.Value, stored, userId, visibility, membership))
                {
                    continue;
                }
            }

            visible.Add(stored);
        }

        return visible;
    }

    private static bool IsVisible(Viewer viewer, StoredEvent stored, string userId, string visibility, string? membership)
    {
        if (viewer.Allows(stored, visibility, membership))
        {
            return true;
        }

        // The spec's two exceptions look at the state after the event too: a history_visibility change is visible
        // when either side allows it, and so is a change of the user's own membership.
        if (stored.Type == EventTypes.HistoryVisibility && stored.StateKey == string.Empty)
        {
            return viewer.Allows(stored, HistoryVisibilityOf(stored), membership);
        }

        return stored.Type == EventTypes.Member && stored.StateKey == userId && viewer.Allows(stored, visibility, MembershipOf(stored));
    }

    /// <summary>Whether <paramref name="userId"/> may see one event (of the room it belongs to).</summary>
    public async Task<bool> CanSeeAsync(string userId, StoredEvent stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return (await FilterAsync(userId, stored.RoomId, [stored], cancellationToken).ConfigureAwait(false)).Count == 1;
    }

    private static async Task<Viewer> ViewerAsync(IRoomEventStore store, string roomId, StateKey memberKey, CancellationToken cancellationToken)
    {
        var current = (await store.GetCurrentStateEventsAsync(roomId, [memberKey], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(memberKey);
        var membership = MembershipOf(current);
        if (membership == Memberships.Join)
        {
            return new Viewer(true, null);
        }

        if (current is not null && membership is Memberships.Leave or Memberships.Ban)
        {
            // Whether they were joined just before leaving: then they joined at some point after every earlier event.
            var before = await store.GetStateEventsAtEventsAsync([current.EventNid], [memberKey], StatePoint.Before, cancellationToken).ConfigureAwait(false);
            var previous = before.GetValueOrDefault(current.EventNid)?.GetValueOrDefault(memberKey);
            if (MembershipOf(previous) == Memberships.Join)
            {
                return new Viewer(false, TopologicalPosition.After(current));
            }
        }

        return new Viewer(false, null);
    }

    /// <summary>By default, and for values it does not understand, the visibility is <c>shared</c> (spec).</summary>
    private static string HistoryVisibilityOf(StoredEvent? stored) =>
        ContentString(stored, "history_visibility") switch
        {
            WorldReadable => WorldReadable,
            Invited => Invited,
            Joined => Joined,
            _ => Shared,
        };

    private static string? MembershipOf(StoredEvent? stored) => ContentString(stored, "membership");

    /// <summary>
    /// A string field of the event's content. Stored events never change and the store hands out the same instance of
    /// a hot state event again and again (a member event checked for each new message, by every woken sync at once),
    /// so the parse is remembered with the instance. The remembered fields are never changed once published: a field
    /// not known yet is added to a copy, so readers take no lock.
    /// </summary>
    private static string? ContentString(StoredEvent? stored, string field)
    {
        if (stored is null)
        {
            return null;
        }

        var known = ParsedFields.TryGetValue(stored, out var fields) ? fields : null;
        if (known is not null)
        {
            foreach (var (name, value) in known)
            {
                if (ReferenceEquals(name, field) || name == field)
                {
                    return value;
                }
            }
        }

        var parsed = ReadContentString(stored, field);
        ParsedFields.AddOrUpdate(stored, [.. known ?? [], (field, parsed)]);
        return parsed;
    }

    private static readonly ConditionalWeakTable<StoredEvent, (string Field, string? Value)[]> ParsedFields = [];

    private static string? ReadContentString(StoredEvent stored, string field)
    {
        using var document = JsonDocument.Parse(stored.Json);
        return document.RootElement.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object
            && content.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }

    /// <summary>
    /// What the rules need from the user's membership now: joined now, or the gap after their leave when they had
    /// been joined until then (spec rule 3, "shared": the user joined at some point after the event).
    /// </summary>
    private readonly record struct Viewer(bool JoinedNow, TopologicalPosition? JoinedUntil)
    {
        /// <summary>Whether the state at the event alone shows it, whatever the user's membership now.</summary>
        public static bool AllowsWhatever(string visibility, string? membership) =>
            visibility == WorldReadable || membership == Memberships.Join;

        // Spec: "Server behaviour", rules 1 to 5, with the state at the event.
        public bool Allows(StoredEvent stored, string visibility, string? membership) =>
            visibility == WorldReadable
            || membership == Memberships.Join
            || (visibility == Shared && (JoinedNow || (JoinedUntil is { } until && TopologicalPosition.After(stored) <= until)))
            || (visibility == Invited && membership == Memberships.Invite);
    }
}
