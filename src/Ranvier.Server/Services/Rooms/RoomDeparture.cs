using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Takes a deactivated user out of every room: joins become leaves, pending invites and knocks are withdrawn
/// (as Synapse does; a deactivated account that stays "joined" would look alive to everyone in its rooms).
/// </summary>
public sealed partial class RoomDeparture(RoomEventReader reader, RoomEventPipeline pipeline, ILogger<RoomDeparture> logger)
{
    /// <summary>Sends a leave event into each room where the user is joined, invited or knocking; returns how many rooms were left.</summary>
    public async Task<int> LeaveAllAsync(string userId, CancellationToken cancellationToken)
    {
        var left = 0;
        foreach (var room in await reader.Store.GetRoomsForUserAsync(userId, cancellationToken).ConfigureAwait(false))
        {
            if (room.Membership is not (Memberships.Join or Memberships.Invite or Memberships.Knock))
            {
                continue;
            }

            try
            {
                var draft = new EventDraft(room.RoomId, EventTypes.Member, userId, userId, new JsonObject { ["membership"] = Memberships.Leave });
                await pipeline.SendAsync(draft, CancellationToken.None).ConfigureAwait(false);
                left++;
            }
            catch (MatrixError e)
            {
                LogCouldNotLeave(logger, userId, room.RoomId, e.Message);
            }
        }

        return left;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deactivated user {UserId} could not leave {RoomId}: {Reason}")]
    private static partial void LogCouldNotLeave(ILogger logger, string userId, string roomId, string reason);
}
