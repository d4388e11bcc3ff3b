using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Sends a user's changed display name or avatar into the rooms they are joined to (spec: client-server API,
/// "Events on Change of Profile Information": a new m.room.member join event with the new profile). A room whose
/// auth rules refuse the event (say, a v1 room where members may not change their own state) is skipped and logged.
/// </summary>
public sealed partial class ProfilePropagation(RoomEventReader reader, RoomEventPipeline pipeline, MemberContent memberContent, ILogger<ProfilePropagation> logger)
{
    /// <summary>Sends a fresh join event into every room the user is joined to whose member event shows another profile.</summary>
    public async Task PropagateAsync(string userId, CancellationToken cancellationToken)
    {
        var rooms = await reader.Store.GetRoomsForUserAsync(userId, cancellationToken).ConfigureAwait(false);
        foreach (var room in rooms.Where(r => r.Membership == Memberships.Join))
        {
            var content = await memberContent.BuildAsync(userId, Memberships.Join, null, false, cancellationToken).ConfigureAwait(false);
            var current = await reader.GetCurrentStateEventAsync(room.RoomId, EventTypes.Member, userId, cancellationToken).ConfigureAwait(false);
            if (current is null || SameProfile(current.Content, content))
            {
                continue;
            }

            try
            {
                await pipeline.SendAsync(new EventDraft(room.RoomId, EventTypes.Member, userId, userId, content), cancellationToken).ConfigureAwait(false);
            }
            catch (MatrixError e)
            {
                LogSkipped(logger, userId, room.RoomId, e.Message);
            }
        }
    }

    private static bool SameProfile(JsonObject current, JsonObject updated) =>
        JsonNodeValues.GetString(current, "membership") == Memberships.Join
        && JsonNodeValues.GetString(current, "displayname") == JsonNodeValues.GetString(updated, "displayname")
        && JsonNodeValues.GetString(current, "avatar_url") == JsonNodeValues.GetString(updated, "avatar_url");

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile change of {UserId} not sent to {RoomId}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string userId, string roomId, string reason);
}
