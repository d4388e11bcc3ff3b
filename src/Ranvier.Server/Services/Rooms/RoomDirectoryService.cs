using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>What GET or POST /publicRooms asked for, already read from the query or body.</summary>
public sealed record PublicRoomsRequest(int? Limit, string? Since, string? Server)
{
    public string? SearchTerm { get; init; }

    /// <summary>filter.room_types; null (or empty) keeps every type, a null entry keeps rooms without one.</summary>
    public IReadOnlyList<string?>? RoomTypes { get; init; }

    public bool IncludeAllNetworks { get; init; }

    public string? ThirdPartyInstanceId { get; init; }
}

/// <summary>
/// The published room directory (spec: client-server API, "Published room directory"; list_public_rooms.yaml): each
/// room's visibility, and the paginated listing of published rooms, most joined members first, then by room ID.
/// </summary>
public sealed class RoomDirectoryService(RanvierOptions options, IRoomDirectoryStore directory, RoomEventReader reader, RoomDirectoryAccess access)
{
    /// <summary>The page size when the client names none, and the largest it may ask for.</summary>
    public const int DefaultLimit = 100;

    public const int MaxLimit = 500;

    private static readonly StateKey[] SummaryKeys =
    [
        new(EventTypes.Create, string.Empty),
        new(EventTypes.Name, string.Empty),
        new(EventTypes.Topic, string.Empty),
        new(EventTypes.CanonicalAlias, string.Empty),
        new("m.room.avatar", string.Empty),
        new(EventTypes.JoinRules, string.Empty),
        new(EventTypes.HistoryVisibility, string.Empty),
        new(EventTypes.GuestAccess, string.Empty),
    ];

    /// <summary>GET /directory/list/room/{roomId}: "public" or "private"; 404 for a room this server does not have.</summary>
    public async Task<string> GetVisibilityAsync(string roomId, CancellationToken cancellationToken)
    {
        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        return await directory.IsPublishedAsync(roomId, cancellationToken).ConfigureAwait(false) ? "public" : "private";
    }

    /// <summary>PUT /directory/list/room/{roomId}: for those <see cref="RoomDirectoryAccess"/> allows.</summary>
    public async Task SetVisibilityAsync(RequestContext context, string roomId, string visibility, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (visibility is not ("public" or "private"))
        {
            throw MatrixError.InvalidParam("visibility must be \"public\" or \"private\".");
        }

        await RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (!await access.CanEditAsync(context, roomId, cancellationToken).ConfigureAwait(false))
        {
            throw MatrixError.Forbidden("You are not permitted to change this room's visibility in the directory.");
        }

        await directory.SetPublishedAsync(roomId, visibility == "public", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes a room without permission checks (createRoom with visibility "public").</summary>
    public Task PublishAsync(string roomId, CancellationToken cancellationToken) => directory.SetPublishedAsync(roomId, true, cancellationToken);

    /// <summary>GET/POST /publicRooms: one page of the directory with its pagination tokens.</summary>
    public async Task<JsonObject> ListAsync(PublicRoomsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Server is not null && request.Server != options.ServerName)
        {
            throw MatrixError.InvalidParam($"Only this server's directory ({options.ServerName}) can be listed: this server does not federate yet.");
        }

        if (request.IncludeAllNetworks && request.ThirdPartyInstanceId is not null)
        {
            throw MatrixError.InvalidParam("third_party_instance_id cannot be used with include_all_networks.");
        }

        if (request.Limit < 0)
        {
            throw MatrixError.InvalidParam("limit must not be negative.");
        }

        var limit = request.Limit is null or 0 ? DefaultLimit : Math.Min(request.Limit.Value, MaxLimit);
        var from = request.Since is null ? null : PageToken.Parse(request.Since);
        var total = await directory.CountPublishedRoomsAsync(cancellationToken).ConfigureAwait(false);
        if (request.ThirdPartyInstanceId is not null)
        {
            // No application services bridge networks into this server yet, so every third-party directory is empty.
            return new JsonObject { ["chunk"] = new JsonArray(), ["total_room_count_estimate"] = total };
        }

        var query = new PublishedRoomsQuery(limit + 1, from?.Key, from?.Backward ?? false)
        {
            SearchTerm = string.IsNullOrWhiteSpace(request.SearchTerm) ? null : request.SearchTerm.Trim().ToLowerInvariant(),
            RoomTypes = request.RoomTypes is { Count: > 0 } types ? types : null,
        };
        var rooms = (await directory.ListPublishedRoomsAsync(query, cancellationToken).ConfigureAwait(false)).ToList();

        // One row beyond the limit tells whether more lie in the direction of travel; rooms lie the other way whenever a token was followed.
        var more = rooms.Count > limit;
        if (more)
        {
            rooms.RemoveAt(query.Backward ? 0 : rooms.Count - 1);
        }

        var hasNext = query.Backward ? from is not null : more;
        var hasPrev = query.Backward ? more : from is not null;
        var chunk = new JsonArray();
        foreach (var room in rooms)
        {
            if (await SummarizeAsync(room, cancellationToken).ConfigureAwait(false) is { } summary)
            {
                chunk.Add((JsonNode)summary);
            }
        }

        var response = new JsonObject { ["chunk"] = chunk };
        if (rooms.Count > 0 && hasNext)
        {
            response["next_batch"] = new PageToken(rooms[^1], Backward: false).ToString();
        }

        if (rooms.Count > 0 && hasPrev)
        {
            response["prev_batch"] = new PageToken(rooms[0], Backward: true).ToString();
        }

        response["total_room_count_estimate"] = total;
        return response;
    }

    /// <summary>A chunk entry (spec: public_rooms_chunk.yaml) from the room's current state; optional fields only when set.</summary>
    private async Task<JsonObject?> SummarizeAsync(PublishedRoomKey room, CancellationToken cancellationToken)
    {
        if (await reader.GetRoomVersionAsync(room.RoomId, cancellationToken).ConfigureAwait(false) is not { } version)
        {
            return null;
        }

        var state = await reader.GetCurrentStateAsync(room.RoomId, version, SummaryKeys, cancellationToken).ConfigureAwait(false);
        string? Field(string type, string key) =>
            state.TryGetValue((type, string.Empty), out var pdu) ? JsonNodeValues.GetString(pdu.Content, key) : null;

        var summary = new JsonObject
        {
            ["room_id"] = room.RoomId,
            ["num_joined_members"] = room.JoinedMembers,
            ["world_readable"] = Field(EventTypes.HistoryVisibility, "history_visibility") == "world_readable",
            ["guest_can_join"] = Field(EventTypes.GuestAccess, "guest_access") == "can_join",
        };
        AddIfSet(summary, "name", Field(EventTypes.Name, "name"));
        AddIfSet(summary, "topic", Field(EventTypes.Topic, "topic"));
        AddIfSet(summary, "canonical_alias", Field(EventTypes.CanonicalAlias, "alias"));
        AddIfSet(summary, "avatar_url", Field("m.room.avatar", "url"));
        AddIfSet(summary, "join_rule", Field(EventTypes.JoinRules, "join_rule"));
        AddIfSet(summary, "room_type", Field(EventTypes.Create, "type"));
        return summary;
    }

    private static void AddIfSet(JsonObject summary, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            summary[name] = value;
        }
    }

    private async Task RequireKnownRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out _))
        {
            throw MatrixError.InvalidParam($"{roomId} is not a valid room ID.");
        }

        if (await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw MatrixError.NotFound("Room not found.");
        }
    }

    /// <summary>
    /// A next_batch or prev_batch token: the edge room's place in the order and the direction to page from it. Opaque
    /// to clients (base64url of "n|members|room" or "p|members|room"); a token that does not parse is 400 M_INVALID_PARAM.
    /// </summary>
    private sealed record PageToken(PublishedRoomKey Key, bool Backward)
    {
        public static PageToken Parse(string token)
        {
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|', 3);
                if (parts.Length == 3 && parts[0] is "n" or "p"
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var members) && parts[2].Length > 0)
                {
                    return new PageToken(new PublishedRoomKey(members, parts[2]), parts[0] == "p");
                }
            }
            catch (FormatException)
            {
            }

            throw MatrixError.InvalidParam("since is not a pagination token from this server.");
        }

        public override string ToString() =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{(Backward ? "p" : "n")}|{Key.JoinedMembers.ToString(CultureInfo.InvariantCulture)}|{Key.RoomId}"));
    }
}
