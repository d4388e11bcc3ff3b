namespace Ranvier.Storage.Push;

/// <summary>
/// The notifications push rules produced (migrations 20 and 22) and the unread counts kept from them (spec: client-server API
/// "Receiving notifications", "Marking notifications as read"). A notification in thread T of a room is read when
/// it is at or before the user's read position for T: the latest of their unthreaded <c>m.read</c>/<c>m.read.private</c>
/// receipts, their receipts for T, and their own latest event in T.
/// </summary>
public interface IPushActionStore
{
    /// <summary>
    /// The unread counts per thread of each of <paramref name="roomIds"/> for <paramref name="userId"/>, counting
    /// notifications at stream positions up to <paramref name="upto"/>. Rooms and threads with nothing unread are absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, UnreadCount>>> GetUnreadCountsAsync(
        string userId, IReadOnlyCollection<string> roomIds, long upto, CancellationToken cancellationToken = default);

    /// <summary>
    /// The user's notifications before stream position <paramref name="before"/> (null: the newest), newest first,
    /// at most <paramref name="limit"/>, only highlights when <paramref name="onlyHighlights"/> (GET /notifications).
    /// </summary>
    Task<IReadOnlyList<PushActionRecord>> GetNotificationsAsync(
        string userId, long? before, int limit, bool onlyHighlights, CancellationToken cancellationToken = default);

    /// <summary>The user's notifications after stream position <paramref name="after"/>, oldest first, at most <paramref name="limit"/> (pushers).</summary>
    Task<IReadOnlyList<PushActionRecord>> GetNotificationsAfterAsync(
        string userId, long after, int limit, CancellationToken cancellationToken = default);
}
