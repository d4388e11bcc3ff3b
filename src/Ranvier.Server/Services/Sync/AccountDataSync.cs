using System.Text.Json.Nodes;
using Ranvier.Server.Http;
using Ranvier.Server.Services.AccountData;
using Ranvier.Storage.UserData;

namespace Ranvier.Server.Services.Sync;

/// <summary>
/// Account data in a sync (spec: "Client Config", syncing): everything on an initial sync, what was written in the
/// window otherwise; global data through the filter's <c>account_data</c>, per-room data through
/// <c>room.account_data</c>.
/// </summary>
public sealed class AccountDataSync(AccountDataService accountData)
{
    /// <summary>The account data of the window: global events, and per-room events by room ID.</summary>
    public async Task<(JsonArray Global, Dictionary<string, JsonArray> ByRoom)> ReadAsync(SyncWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var filter = window.Request.Filter;
        var global = new JsonArray();
        var byRoom = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        if (window.From is not null && !window.Changes.MayInclude(SyncChanges.AccountData))
        {
            // The change index knows the window, and the user wrote no account data in it.
            return (global, byRoom);
        }

        var records = await accountData.ChangedAfterAsync(window.Request.UserId, window.From?.Stream ?? 0, cancellationToken).ConfigureAwait(false);

        // A write after Upto belongs to the next sync: its position is above this next_batch.
        foreach (var record in records.Where(r => r.StreamPosition <= window.Upto.Stream))
        {
            if (record.RoomId is null)
            {
                if (filter.AccountData.Allows(record.Type, window.Request.UserId) && Under(filter.AccountData.Limit, global.Count))
                {
                    global.Add((JsonNode)Event(record));
                }
            }
            else if (filter.Room.AllowsRoom(record.RoomId) && filter.Room.AccountData.AllowsRoom(record.RoomId)
                && filter.Room.AccountData.Allows(record.Type, window.Request.UserId))
            {
                if (!byRoom.TryGetValue(record.RoomId, out var events))
                {
                    events = [];
                    byRoom[record.RoomId] = events;
                }

                if (Under(filter.Room.AccountData.Limit, events.Count))
                {
                    events.Add((JsonNode)Event(record));
                }
            }
        }

        return (global, byRoom);
    }

    private static bool Under(long? limit, int count) => limit is null || count < limit;

    private static JsonObject Event(AccountDataRecord record) => new()
    {
        ["type"] = record.Type,
        ["content"] = StoredJson.Read(record.ContentJson),
    };
}
