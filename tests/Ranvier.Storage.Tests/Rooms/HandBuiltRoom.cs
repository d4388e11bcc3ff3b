using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Tests.Rooms;

/// <summary>A room built by hand so member events carry real membership content.</summary>
internal sealed class HandBuiltRoom(IRoomEventStore store, string roomId)
{
    private string? _last;
    private int _depth;

    public async Task<string> SendAsync(string type, string? stateKey, JsonObject content, ClientTransaction? transaction = null, string? sender = null)
    {
        _depth++;
        var eventId = $"${roomId[1..]}/{_depth}";
        var json = new JsonObject
        {
            ["room_id"] = roomId,
            ["sender"] = sender ?? "@alice:test",
            ["type"] = type,
            ["content"] = content,
            ["origin_server_ts"] = 1_700_000_000_000 + _depth,
            ["depth"] = _depth,
            ["prev_events"] = _last is null ? new JsonArray() : new JsonArray(_last),
            ["auth_events"] = new JsonArray(),
        };
        if (stateKey is not null)
        {
            json["state_key"] = stateKey;
        }

        var pdu = Pdu.Parse(json, RoomVersions.V10, eventId);
        var request = new EventToPersist(pdu, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), RoomVersions.V10, EventStatus.Accepted,
            _last is null ? StateInput.Empty : StateInput.After(_last), Transaction: transaction);
        try
        {
            await store.PersistEventAsync(request);
        }
        catch
        {
            _depth--;
            throw;
        }

        _last = eventId;
        return eventId;
    }

    /// <summary>A member event of <paramref name="userId"/>, sent by <paramref name="sender"/> (alice when null).</summary>
    public Task<string> MemberAsync(string userId, string membership, string? sender = null) =>
        SendAsync(EventTypes.Member, userId, new JsonObject { ["membership"] = membership }, sender: sender);
}
