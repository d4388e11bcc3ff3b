using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;
using Ranvier.Server.Http;
using Ranvier.Server.Services.AccountData;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;
using Ranvier.Storage.UserData;

namespace Ranvier.Server.Services.Receipts;

/// <summary>The event IDs of one POST /rooms/{roomId}/read_markers; each is optional (spec v1.4).</summary>
public sealed record ReadMarkers(string? FullyRead, string? Read, string? ReadPrivate);

/// <summary>
/// The fully read marker (spec: client-server API, "Fully read markers"), kept as the room account data
/// <c>m.fully_read {event_id}</c> so it syncs like other account data; clients cannot set it directly (the account
/// data API refuses it). Like receipts it only moves forwards. The same request may move the read receipts, exactly
/// as the receipt endpoint would.
/// </summary>
public sealed class ReadMarkerService(ReceiptService receipts, AccountDataService accountData, IUserDataStore userData, IRoomEventStore events)
{
    /// <summary>
    /// POST /rooms/{roomId}/read_markers. Every event is checked (joined: 403; in the room and visible: 404) before
    /// anything is written.
    /// </summary>
    public async Task SetAsync(RequestContext context, string roomId, ReadMarkers markers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(markers);
        await receipts.RequireJoinedAsync(context.UserId, roomId, cancellationToken).ConfigureAwait(false);
        StoredEvent? fullyRead = null;
        if (markers.FullyRead is { } fullyReadId)
        {
            fullyRead = await receipts.GetVisibleEventAsync(context.UserId, roomId, fullyReadId, cancellationToken).ConfigureAwait(false);
        }

        foreach (var eventId in new[] { markers.Read, markers.ReadPrivate }.OfType<string>())
        {
            await receipts.GetVisibleEventAsync(context.UserId, roomId, eventId, cancellationToken).ConfigureAwait(false);
        }

        if (fullyRead is not null)
        {
            await MoveFullyReadAsync(context.UserId, roomId, fullyRead, cancellationToken).ConfigureAwait(false);
        }

        if (markers.Read is { } read)
        {
            await receipts.StoreAsync(context.UserId, roomId, ReceiptTypes.Read, null, read, cancellationToken).ConfigureAwait(false);
        }

        if (markers.ReadPrivate is { } readPrivate)
        {
            await receipts.StoreAsync(context.UserId, roomId, ReceiptTypes.ReadPrivate, null, readPrivate, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes m.fully_read unless the current marker is already at or after <paramref name="target"/> in the room's order.</summary>
    private async Task MoveFullyReadAsync(string userId, string roomId, StoredEvent target, CancellationToken cancellationToken)
    {
        var currentJson = await userData.GetAccountDataAsync(userId, roomId, ReceiptTypes.FullyRead, cancellationToken).ConfigureAwait(false);
        if (currentJson is not null
            && StoredJson.Read(currentJson) is JsonObject current
            && JsonNodeValues.GetString(current, "event_id") is { } currentId
            && await events.GetEventAsync(currentId, cancellationToken).ConfigureAwait(false) is { } currentEvent
            && currentEvent.RoomId == roomId
            && TopologicalPosition.Of(currentEvent) >= TopologicalPosition.Of(target))
        {
            return;
        }

        await accountData.SetServerManagedAsync(userId, roomId, ReceiptTypes.FullyRead, new JsonObject { ["event_id"] = target.EventId }, cancellationToken)
            .ConfigureAwait(false);
    }
}
