namespace Ranvier.Storage.Push;

/// <summary>The thread name of the main timeline, as threaded receipts use it (spec: "Threaded read receipts").</summary>
public static class PushThreads
{
    public const string Main = "main";
}

/// <summary>
/// The local users whose push rules decided the same for a new event that notifies them, persisted with the event
/// (<see cref="Rooms.EventToPersist.Push"/>) as one row. <paramref name="ActionsJson"/> is the matched rules' actions
/// array; no user appears in two groups of an event.
/// </summary>
public sealed record PushGroup(bool Highlight, string ActionsJson, IReadOnlyList<string> UserIds);

/// <summary>
/// The push outcome of a new local event: the thread it belongs to (<see cref="PushThreads.Main"/> or the thread
/// root's event ID) and the users it notifies, grouped by outcome. Persisting it also moves the sender's own read
/// position in that thread.
/// </summary>
public sealed record EventPush(string ThreadId, IReadOnlyList<PushGroup> Groups);

/// <summary>A notification of a user as stored: the event, where it is, and what the rule did.</summary>
public sealed record PushActionRecord(
    long StreamPosition,
    string EventId,
    string RoomId,
    string ThreadId,
    bool Highlight,
    string ActionsJson,
    long OriginServerTs,
    bool Read);

/// <summary>Unread notifications of one thread of a room (<c>notification_count</c>, <c>highlight_count</c>).</summary>
public readonly record struct UnreadCount(long Notifications, long Highlights);
