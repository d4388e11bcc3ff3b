using System.Text.Json.Nodes;
using Ranvier.Storage.Push;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// Delivers one HTTP pusher's pending notifications (the user's rows of event_push_actions after the pusher's
/// position), oldest first, recording progress in the store after each push so that a restart neither repeats nor
/// loses one (gateways suppress duplicates by event ID all the same). Notifications the user has read meanwhile are
/// passed over. A failure stops the pusher until its retry is due (<see cref="PushRetry"/>); a pushkey the gateway
/// rejects deletes the pusher (spec: push gateway API, <c>rejected</c>: "Homeservers must cease sending notification
/// requests for these pushkeys and remove the associated pushers").
/// </summary>
public sealed partial class PusherSender(
    IPusherStore pushers,
    IPushActionStore pushActions,
    UnreadBadge badge,
    PushNotificationBuilder builder,
    PushGatewayClient gateways,
    TimeProvider time,
    ILogger<PusherSender> logger)
{
    private const int PageSize = 100;

    /// <summary>
    /// Sends what <paramref name="state"/> has pending up to stream position <paramref name="upto"/>. Returns when its
    /// next attempt is due if it is failing, else null.
    /// </summary>
    public async Task<DateTimeOffset?> DeliverAsync(PusherState state, long upto, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var now = time.GetUtcNow();
        if (state.NextAttemptTs is { } next && next > now.ToUnixTimeMilliseconds())
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(next);
        }

        var url = new Uri(JsonNode.Parse(state.Pusher.DataJson)?["url"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"The http pusher {state.PusherId} has no data.url."));
        var userId = state.Pusher.UserId;
        var recorded = state.PushedPosition;
        var from = recorded;
        if (state.FailingSinceTs is { } since && now - DateTimeOffset.FromUnixTimeMilliseconds(since) > PushRetry.OutageLimit)
        {
            from = recorded = await SkipStaleAsync(state, upto, cancellationToken);
        }

        while (await ReadPendingAsync(userId, from, upto, cancellationToken) is { Count: > 0 } page)
        {
            foreach (var push in page)
            {
                if (!push.Read)
                {
                    var unread = await badge.CountAsync(userId, upto, cancellationToken);
                    if (await builder.BuildAsync(state, push, unread, cancellationToken) is { } body)
                    {
                        var outcome = await gateways.SendAsync(url, body, cancellationToken);
                        if (!outcome.Delivered)
                        {
                            return await RecordFailureAsync(state, outcome.Failure, cancellationToken);
                        }

                        if (outcome.Rejected.Contains(state.Pusher.Pushkey, StringComparer.Ordinal))
                        {
                            LogRejected(logger, state.Pusher.AppId, userId);
                            await pushers.DeleteByIdAsync(state.PusherId, cancellationToken);
                            return null;
                        }

                        if (!await pushers.RecordPushedAsync(state.PusherId, push.StreamPosition, cancellationToken))
                        {
                            // Deleted meanwhile (by its user, a logout or another rejection): nothing more goes to it.
                            return null;
                        }

                        recorded = push.StreamPosition;
                    }
                }

                from = push.StreamPosition;
            }
        }

        // Notifications passed over without a push, and a failure state whose backlog went away, settle in one write.
        if (from > recorded || state.Failures > 0)
        {
            await pushers.RecordPushedAsync(state.PusherId, from, cancellationToken);
        }

        return null;
    }

    /// <summary>The user's next notifications after <paramref name="after"/>, up to <paramref name="upto"/>, oldest first.</summary>
    private async Task<List<PushActionRecord>> ReadPendingAsync(string userId, long after, long upto, CancellationToken cancellationToken)
    {
        var page = await pushActions.GetNotificationsAfterAsync(userId, after, PageSize, cancellationToken);
        return [.. page.TakeWhile(p => p.StreamPosition <= upto)];
    }

    /// <summary>
    /// After a long outage: passes over every pending notification but the newest <see cref="PushRetry.KeptAfterOutage"/>
    /// and records that. Returns the position delivery resumes from.
    /// </summary>
    private async Task<long> SkipStaleAsync(PusherState state, long upto, CancellationToken cancellationToken)
    {
        // The newest positions seen so far, plus the one before them: the resume point if anything is dropped.
        var newest = new Queue<long>(PushRetry.KeptAfterOutage + 1);
        var skipped = 0;
        var from = state.PushedPosition;
        while (await ReadPendingAsync(state.Pusher.UserId, from, upto, cancellationToken) is { Count: > 0 } page)
        {
            foreach (var push in page)
            {
                newest.Enqueue(push.StreamPosition);
                if (newest.Count > PushRetry.KeptAfterOutage + 1)
                {
                    newest.Dequeue();
                    skipped++;
                }
            }

            from = page[^1].StreamPosition;
        }

        if (newest.Count <= PushRetry.KeptAfterOutage)
        {
            return state.PushedPosition;
        }

        var resume = newest.Peek();
        LogSkipped(logger, skipped + 1, state.Pusher.AppId, state.Pusher.UserId);
        // Recording clears the failure state: the outage clock starts again for what is left.
        await pushers.RecordPushedAsync(state.PusherId, resume, cancellationToken);
        return resume;
    }

    private async Task<DateTimeOffset> RecordFailureAsync(PusherState state, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var failures = state.Failures + 1;
        var next = now + PushRetry.DelayAfter(failures);
        LogFailed(logger, state.Pusher.AppId, state.Pusher.UserId, failures, reason ?? "unknown", next);
        await pushers.RecordFailureAsync(state.PusherId, now.ToUnixTimeMilliseconds(), next.ToUnixTimeMilliseconds(), cancellationToken);
        return next;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Push to the gateway of {AppId} for {UserId} failed ({Failures} in a row: {Reason}); retrying at {Next:O}")]
    private static partial void LogFailed(ILogger logger, string appId, string userId, int failures, string reason, DateTimeOffset next);

    [LoggerMessage(Level = LogLevel.Information, Message = "The push gateway rejected the pushkey of {AppId} for {UserId}; the pusher is removed")]
    private static partial void LogRejected(ILogger logger, string appId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {Count} stale notifications of {AppId} for {UserId} after a long gateway outage")]
    private static partial void LogSkipped(ILogger logger, int count, string appId, string userId);
}
