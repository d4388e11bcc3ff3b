using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.ToDevice;

namespace Ranvier.Server.Services.ToDevice;

/// <summary>
/// The <c>to_device</c> part of /sync (spec: "Send-to-Device messaging", server behaviour). A response carries the
/// device's oldest pending messages up to its <c>next_batch</c>, at most <see cref="BatchLimit"/>, and the store marks
/// them with that position. A later sync from a token at or past the mark is the acknowledgement and deletes them.
/// </summary>
/// <remarks>
/// Delivery is "everything still pending up to <c>Upto</c>", not "what arrived after <c>since</c>": a capped response
/// leaves the rest pending (unmarked) although its <c>next_batch</c> covers their positions, so they come in the next
/// response, and a retried sync from an older token gets again whatever the lost response carried.
/// </remarks>
public sealed class ToDeviceSyncContributor(IToDeviceStore store) : ISyncContributor
{
    /// <summary>The spec recommends at most 100 messages per response.</summary>
    public const int BatchLimit = 100;

    public async ValueTask OnRequestAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Since is not { } since)
        {
            return;
        }

        // Most syncs acknowledge nothing: the store is asked only when the device may have messages out (or this
        // process has not seen it yet).
        var inbox = _inboxes.Of(request.UserId, request.DeviceId);
        if (!inbox.MayAwaitAcknowledgement(out var seen))
        {
            return;
        }

        await store.DeleteAcknowledgedAsync(request.UserId, request.DeviceId, since.Stream, cancellationToken);
        var highest = seen.Known
            ? (since.Stream >= seen.Mark ? (long?)null : seen.Mark)
            : await store.GetHighestDeliveredAsync(request.UserId, request.DeviceId, cancellationToken);
        inbox.Acknowledged(seen, highest ?? 0);
    }

    private readonly DeliveredMessages _inboxes = new();

    // Devices whose last batch was capped (or not yet seen empty since): they may hold messages below any window.
    private readonly ConcurrentDictionary<(string UserId, string DeviceId), byte> _backlogged = new();

    public bool HasBacklog(SyncRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _backlogged.ContainsKey((request.UserId, request.DeviceId));
    }

    public async ValueTask ContributeAsync(SyncWindow window, SyncResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(response);
        var request = window.Request;
        var device = (request.UserId, request.DeviceId);

        // Nothing new was sent to the user in the window and nothing was left behind: the inbox holds nothing to send.
        // (A retried sync from an older token covers the position of whatever the lost response carried.)
        if (window.From is not null && !window.Changes.MayInclude(SyncChanges.ToDevice) && !_backlogged.ContainsKey(device))
        {
            return;
        }

        var inbox = _inboxes.Of(request.UserId, request.DeviceId);
        inbox.Delivering();
        var messages = await store.TakePendingAsync(request.UserId, request.DeviceId, window.Upto.Stream, BatchLimit, cancellationToken);
        if (messages.Count > 0)
        {
            inbox.Delivered(window.Upto.Stream);
        }

        if (messages.Count == BatchLimit)
        {
            _backlogged[device] = 0;
        }
        else if (messages.Count == 0)
        {
            _backlogged.TryRemove(device, out _);
        }
        foreach (var message in messages)
        {
            response.ToDevice.Add((JsonNode)new JsonObject
            {
                ["sender"] = message.Sender,
                ["type"] = message.Type,
                ["content"] = StoredJson.Read(message.ContentJson),
            });
        }
    }
}
