namespace Ranvier.Storage.ToDevice;

/// <summary>
/// One addressee of a send-to-device request: a device of a local user, or every device of the user when
/// <paramref name="DeviceId"/> is null (the request's <c>*</c>). <paramref name="ContentJson"/> is the message content.
/// </summary>
public sealed record ToDeviceTarget(string UserId, string? DeviceId, string ContentJson);

/// <summary>
/// A PUT /sendToDevice/{eventType}/{txnId} as the store records it: who sent it from which device, the transaction ID
/// (scoped to the sending device and the event type, spec "Transaction identifiers"), and where it goes.
/// <paramref name="NowMs"/> dates the transaction so that old ones can be forgotten.
/// </summary>
public sealed record ToDeviceSend(
    string SenderUserId,
    string SenderDeviceId,
    string EventType,
    string TransactionId,
    IReadOnlyList<ToDeviceTarget> Targets,
    long NowMs);

/// <summary>What a send did.</summary>
/// <param name="Duplicate">The transaction was seen before: nothing was written.</param>
/// <param name="Queued">How many device inboxes received a message.</param>
/// <param name="StreamPosition">The global stream position of the messages; null when nothing was queued.</param>
public sealed record ToDeviceSendResult(bool Duplicate, int Queued, long? StreamPosition);

/// <summary>A message waiting in a device's inbox, in arrival order by <paramref name="MessageId"/>.</summary>
public sealed record ToDeviceMessageRecord(long MessageId, string Sender, string Type, string ContentJson, long StreamPosition);

/// <summary>
/// Send-to-device inboxes (spec: client-server API "Send-to-Device messaging"): one row per recipient device,
/// kept until the device acknowledges the /sync response that carried it. A device's messages go with the device.
/// </summary>
public interface IToDeviceStore
{
    /// <summary>
    /// Queues the messages of <paramref name="send"/> in one transaction with one new position on the global stream.
    /// A target naming a device the user does not have, or a user with no devices, is skipped. When a user is
    /// addressed both with <c>*</c> and by device ID, the named device gets its own message and the rest the wildcard's
    /// (one message per device per transaction). A repeated transaction writes nothing and reports
    /// <see cref="ToDeviceSendResult.Duplicate"/>. Transactions older than <paramref name="forgetTransactionsBeforeMs"/>
    /// of the sending device are forgotten in the same write.
    /// </summary>
    Task<ToDeviceSendResult> SendAsync(ToDeviceSend send, long forgetTransactionsBeforeMs, CancellationToken cancellationToken = default);

    /// <summary>
    /// The device's oldest <paramref name="limit"/> undeleted messages at stream positions up to <paramref name="upto"/>,
    /// in arrival order, recording them as carried by a response whose <c>next_batch</c> is at <paramref name="upto"/>
    /// (a message keeps the lowest such position). Messages delivered before but not acknowledged come again.
    /// </summary>
    Task<IReadOnlyList<ToDeviceMessageRecord>> TakePendingAsync(string userId, string deviceId, long upto, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the device's messages carried by a response whose <c>next_batch</c> is at or below <paramref name="since"/>:
    /// a client syncing from that token has them. Idempotent. Returns how many were deleted.
    /// </summary>
    Task<int> DeleteAcknowledgedAsync(string userId, string deviceId, long since, CancellationToken cancellationToken = default);

    /// <summary>The highest <c>next_batch</c> position that carried one of the device's undeleted messages; null when none was carried.</summary>
    Task<long?> GetHighestDeliveredAsync(string userId, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>How many messages wait for the device (delivered or not).</summary>
    Task<int> CountPendingAsync(string userId, string deviceId, CancellationToken cancellationToken = default);
}
