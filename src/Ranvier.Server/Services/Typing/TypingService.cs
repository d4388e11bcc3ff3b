using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Services.Typing;

/// <summary>
/// PUT /rooms/{roomId}/typing/{userId} (spec: "Typing Notifications"): a user says they are typing, only for
/// themselves and only in a room they are joined to (403 M_FORBIDDEN otherwise).
/// </summary>
public sealed class TypingService(TypingTracker tracker, RoomEventReader reader)
{
    /// <summary>The longest a single request keeps a user typing; clients re-send well within it (the spec suggests every 20–30 s).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Starts (for <paramref name="timeout"/>, capped at <see cref="MaxTimeout"/>) or stops the user's typing in the room.</summary>
    public async Task SetAsync(RequestContext context, string roomId, string userId, bool typing, TimeSpan timeout, CancellationToken cancellationToken)
    {
        OwnUser.Require(context, userId, "the typing state");
        if (await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false) != Memberships.Join)
        {
            throw MatrixError.Forbidden("You are not joined to this room.");
        }

        if (typing)
        {
            tracker.Start(roomId, context.UserId, timeout < MaxTimeout ? timeout : MaxTimeout);
        }
        else
        {
            tracker.Stop(roomId, context.UserId);
        }
    }
}
