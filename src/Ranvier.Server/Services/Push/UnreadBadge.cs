using Ranvier.Storage.Push;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// The <c>counts.unread</c> of a push (spec: push gateway API: "The number of unread messages a user has across all
/// of the rooms they are a member of"): the user's unread notifications summed over their joined rooms and threads,
/// counted the way /sync counts them.
/// </summary>
public sealed class UnreadBadge(IRoomEventStore rooms, IPushActionStore pushActions)
{
    /// <summary>The user's unread notifications at stream position <paramref name="upto"/>.</summary>
    public async Task<long> CountAsync(string userId, long upto, CancellationToken cancellationToken)
    {
        var joined = (await rooms.GetRoomsForUserAsync(userId, cancellationToken))
            .Where(m => m.Membership == "join")
            .Select(m => m.RoomId)
            .ToList();
        if (joined.Count == 0)
        {
            return 0;
        }

        var counts = await pushActions.GetUnreadCountsAsync(userId, joined, upto, cancellationToken);
        return counts.Values.SelectMany(threads => threads.Values).Sum(count => count.Notifications);
    }
}
