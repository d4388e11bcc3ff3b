using System.Globalization;
using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Rooms;
using Ranvier.Storage.Push;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Push;

/// <summary>
/// GET /notifications (spec: client-server API "Listing Notifications"): the events a user was notified about,
/// newest first, with the matched rule's actions and whether the user has read them. <c>next_token</c> is the stream
/// position of the last one returned; the next page holds the older ones.
/// </summary>
public sealed class NotificationsService(IPushActionStore store, IRoomEventStore events, ClientEventSerializer serializer)
{
    /// <summary>Notifications per page when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The most notifications a page holds.</summary>
    public const int MaxLimit = 100;

    /// <summary>One page; <paramref name="only"/> may be <c>highlight</c>.</summary>
    public async Task<JsonObject> GetAsync(string userId, string? from, string? limit, string? only, CancellationToken cancellationToken)
    {
        var before = from is null ? (long?)null : ParseToken(from);
        var count = ParseLimit(limit);
        var onlyHighlights = only switch
        {
            null => false,
            "highlight" => true,
            _ => throw MatrixError.InvalidParam("only must be \"highlight\" when given."),
        };

        var records = await store.GetNotificationsAsync(userId, before, count, onlyHighlights, cancellationToken).ConfigureAwait(false);
        var stored = await events.GetEventsByIdAsync([.. records.Select(r => r.EventId)], cancellationToken).ConfigureAwait(false);
        var serialized = await serializer.SerializeAsync(stored, ClientEventOptions.TimelineFor(userId), cancellationToken).ConfigureAwait(false);
        var byId = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var node in serialized)
        {
            if (node is JsonObject ev && ev["event_id"]?.GetValue<string>() is { } id)
            {
                byId[id] = ev;
            }
        }

        serialized.Clear(); // detaches the events so that each can move into its notification

        var notifications = new JsonArray();
        foreach (var record in records)
        {
            if (!byId.Remove(record.EventId, out var ev))
            {
                continue;
            }

            notifications.Add((JsonNode)new JsonObject
            {
                ["actions"] = JsonNode.Parse(record.ActionsJson),
                ["event"] = ev,
                ["read"] = record.Read,
                ["room_id"] = record.RoomId,
                ["ts"] = record.OriginServerTs,
            });
        }

        var page = new JsonObject { ["notifications"] = notifications };
        if (records.Count == count)
        {
            page["next_token"] = records[^1].StreamPosition.ToString(CultureInfo.InvariantCulture);
        }

        return page;
    }

    private static long ParseToken(string from) =>
        long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position > 0
            ? position
            : throw MatrixError.InvalidParam("from is not a token this endpoint gave out.");

    private static int ParseLimit(string? limit)
    {
        if (limit is null)
        {
            return DefaultLimit;
        }

        return int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? Math.Min(value, MaxLimit)
            : throw MatrixError.InvalidParam("limit must be a positive integer.");
    }
}
