using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Redacting an event (spec: PUT /rooms/{roomId}/redact/{eventId}/{txnId}, and m.room.redaction through /send).
/// The auth rules only check that the redacter may send m.room.redaction at all (from room version 3 they no longer
/// look at the target); who may redact whose event is checked here, before the redaction is sent, so every redaction
/// this server accepts from its own users may be served as applied: one's own events need only the m.room.redaction
/// level, other users' events the <c>redact</c> level, and server admins may redact events of this server's users.
/// </summary>
public sealed class RedactionService(RanvierOptions options, RoomEventReader reader, RoomEventPipeline pipeline)
{
    /// <summary>
    /// Sends a redaction of <paramref name="eventId"/>. 403 when the user is not joined or may not redact it, 404
    /// when the room has no such event. A repeated transaction returns the event it created the first time.
    /// </summary>
    public async Task<Pdu> RedactAsync(
        RequestContext context, string roomId, string eventId, JsonObject content, ClientTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(content);
        if (transaction is not null && await reader.Store.GetTransactionEventIdAsync(transaction, cancellationToken).ConfigureAwait(false) is { } earlierId
            && await reader.GetPduAsync(earlierId, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier;
        }

        if (context.IsGuest)
        {
            // Spec: "Guest access": guests may send only m.room.message events.
            throw MatrixError.Forbidden("Guests may not redact events.");
        }

        // Membership first, so that a non-member learns nothing about which events the room has.
        var version = await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (version is null || await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false) != Memberships.Join)
        {
            throw MatrixError.Forbidden("You are not joined to this room.");
        }

        var target = await reader.Store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (target is null || target.RoomId != roomId || target.Status != EventStatus.Accepted)
        {
            throw MatrixError.NotFound("The room has no such event.");
        }

        if (target.Sender != context.UserId && !(context.IsAdmin && UserId.TryParse(target.Sender, out var author) && author.Server.Value == options.ServerName))
        {
            var keys = new List<StateKey> { new(EventTypes.PowerLevels, string.Empty), new(EventTypes.Create, string.Empty) };
            var state = await reader.GetCurrentStateAsync(roomId, version, keys, cancellationToken).ConfigureAwait(false);
            if (!PowerLevels.FromState(version, new AuthState(state)).CanRedact(context.UserId))
            {
                throw MatrixError.Forbidden("You need the room's redact power level to redact other users' events.");
            }
        }

        return await pipeline.SendAsync(new EventDraft(roomId, EventTypes.Redaction, null, context.UserId, content, eventId, transaction), cancellationToken)
            .ConfigureAwait(false);
    }
}
