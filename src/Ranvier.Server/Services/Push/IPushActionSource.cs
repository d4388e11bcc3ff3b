namespace Ranvier.Server.Services.Push;

/// <summary>
/// One event's push-rule outcome for one user (spec: client-server API "Push Rules", "Actions"), at the event's
/// <paramref name="StreamPosition"/>. <paramref name="ActionsJson"/> is the matching rule's actions array.
/// </summary>
public sealed record PendingPush(
    long StreamPosition,
    string EventId,
    string RoomId,
    string? ThreadId,
    bool Notify,
    bool Highlight,
    string ActionsJson);

/// <summary>
/// What pushers push: each user's push actions in stream order, and the user's unread count for the gateway's
/// <c>counts.unread</c>. Stands in for the event-push-actions read API until it is on main.
/// </summary>
public interface IPushActionSource
{
    /// <summary>The user's push actions at stream positions in (<paramref name="after"/>, <paramref name="upto"/>], oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<PendingPush>> GetAfterAsync(string userId, long after, long upto, int limit, CancellationToken cancellationToken);

    /// <summary>How many unread notifications the user has across all rooms.</summary>
    Task<int> GetUnreadCountAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>The source until event push actions are stored: nothing to push.</summary>
internal sealed class NoPushActions : IPushActionSource
{
    public Task<IReadOnlyList<PendingPush>> GetAfterAsync(string userId, long after, long upto, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PendingPush>>([]);

    public Task<int> GetUnreadCountAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(0);
}
