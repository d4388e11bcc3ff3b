using System.Text;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.ToDevice;

namespace Ranvier.Server.Services.ToDevice;

/// <summary>
/// Sending to-device messages (spec: client-server API "Send-to-Device messaging", PUT /sendToDevice/{eventType}/{txnId}).
/// Messages for local devices are queued in one write at one global stream position, then announced so that
/// long-polling syncs of the recipients wake. Messages for remote users are dropped (and logged) until federation
/// exists: refusing the whole request instead would also stop the local deliveries in it.
/// </summary>
public sealed partial class ToDeviceService(
    RanvierOptions options, IToDeviceStore store, StreamNotifier notifier, SyncChangeIndex syncChanges, TimeProvider time, ILogger<ToDeviceService> logger)
{
    /// <summary>Event types longer than this (UTF-8 bytes) are refused, as for room events.</summary>
    public const int MaxTypeBytes = 255;

    /// <summary>A retried request is recognised for this long; clients retry within seconds or minutes, not days.</summary>
    public static readonly TimeSpan TransactionLifetime = TimeSpan.FromDays(1);

    private readonly ServerName serverName = ServerName.Parse(options.ServerName);

    /// <summary>
    /// Queues <paramref name="body"/>'s <c>messages</c> (user ID → device ID or <c>*</c> → content) from the requesting
    /// device. The whole body is validated before anything is written; a repeated transaction ID does nothing.
    /// </summary>
    public async Task SendAsync(RequestContext context, string eventType, string txnId, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        if (eventType.Length == 0 || Encoding.UTF8.GetByteCount(eventType) > MaxTypeBytes)
        {
            throw MatrixError.InvalidParam($"The event type must be 1 to {MaxTypeBytes} bytes long");
        }

        var targets = ReadTargets(body, out var remote);
        if (remote > 0)
        {
            LogRemoteDropped(logger, remote, context.UserId, eventType);
        }

        var now = time.GetUtcNow();
        var send = new ToDeviceSend(context.UserId, context.DeviceId, eventType, txnId, targets, now.ToUnixTimeMilliseconds());
        var result = await store.SendAsync(send, (now - TransactionLifetime).ToUnixTimeMilliseconds(), cancellationToken);
        if (result.StreamPosition is { } position)
        {
            syncChanges.ToDevice(position, targets.Select(t => t.UserId));
            notifier.Advance(position);
        }
    }

    /// <summary>The local targets of the request; <paramref name="remote"/> counts the users on other servers.</summary>
    private List<ToDeviceTarget> ReadTargets(JsonObject body, out int remote)
    {
        if (!body.TryGetPropertyValue("messages", out var messagesNode) || messagesNode is null)
        {
            throw MatrixError.MissingParam("messages is required");
        }

        if (messagesNode is not JsonObject messages)
        {
            throw MatrixError.BadJson("messages must be an object of user IDs");
        }

        remote = 0;
        var targets = new List<ToDeviceTarget>();
        foreach (var (user, devicesNode) in messages)
        {
            if (!UserId.TryParse(user, out var userId, out var error))
            {
                throw MatrixError.InvalidParam($"Invalid user ID in messages: {error}");
            }

            if (devicesNode is not JsonObject devices)
            {
                throw MatrixError.BadJson($"messages[{user}] must be an object of device IDs");
            }

            foreach (var (device, content) in devices)
            {
                if (content is not JsonObject)
                {
                    throw MatrixError.BadJson($"messages[{user}][{device}] must be an object");
                }
            }

            if (userId.Server != serverName)
            {
                remote++;
                continue;
            }

            foreach (var (device, content) in devices)
            {
                targets.Add(new ToDeviceTarget(userId.Value, device == "*" ? null : device, StoredJson.Write(content)));
            }
        }

        return targets;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped to-device messages for {Count} remote users from {Sender} ({Type}): no federation yet")]
    private static partial void LogRemoteDropped(ILogger logger, int count, string sender, string type);
}
