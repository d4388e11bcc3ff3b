using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Room membership" (joining.yaml, leaving.yaml, inviting.yaml, list_joined_rooms.yaml).</summary>
internal static class RoomMembershipEndpoints
{
    public static void MapRoomMembershipEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/joined_rooms", JoinedRooms).RequireAccessToken().AllowGuests();
        client.MapPost("/join/{roomIdOrAlias}", JoinByIdOrAlias).RequireAccessToken().AllowGuests();
        client.MapPost("/rooms/{roomId}/join", Join).RequireAccessToken().AllowGuests();
        client.MapPost("/rooms/{roomId}/leave", Leave).RequireAccessToken().AllowGuests();
        client.MapPost("/rooms/{roomId}/invite", Invite).RequireAccessToken();
    }

    /// <summary>GET /joined_rooms.</summary>
    private static async Task<JsonObject> JoinedRooms(RequestContext context, RoomEventReader reader, CancellationToken cancellationToken)
    {
        var rooms = await reader.Store.GetRoomsForUserAsync(context.UserId, cancellationToken);
        return new JsonObject
        {
            ["joined_rooms"] = new JsonArray(rooms.Where(r => r.Membership == Memberships.Join).Select(r => (JsonNode)r.RoomId).ToArray()),
        };
    }

    /// <summary>POST /join/{roomIdOrAlias}.</summary>
    private static async Task<JsonObject> JoinByIdOrAlias(
        string roomIdOrAlias, HttpRequest request, RequestContext context, RanvierOptions options, MembershipService membership, CancellationToken cancellationToken)
    {
        var body = await ReadOptionalBodyAsync(request, options, cancellationToken);
        var roomId = await membership.JoinAsync(context, roomIdOrAlias, JsonFields.OptionalString(body, "reason"), cancellationToken);
        return new JsonObject { ["room_id"] = roomId };
    }

    /// <summary>POST /rooms/{roomId}/join.</summary>
    private static Task<JsonObject> Join(
        string roomId, HttpRequest request, RequestContext context, RanvierOptions options, MembershipService membership, CancellationToken cancellationToken) =>
        JoinByIdOrAlias(roomId, request, context, options, membership, cancellationToken);

    /// <summary>POST /rooms/{roomId}/leave.</summary>
    private static async Task<EmptyResponse> Leave(
        string roomId, HttpRequest request, RequestContext context, RanvierOptions options, MembershipService membership, CancellationToken cancellationToken)
    {
        var body = await ReadOptionalBodyAsync(request, options, cancellationToken);
        await membership.LeaveAsync(context, roomId, JsonFields.OptionalString(body, "reason"), cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>POST /rooms/{roomId}/invite.</summary>
    private static async Task<EmptyResponse> Invite(
        string roomId, HttpRequest request, RequestContext context, RanvierOptions options, MembershipService membership, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await membership.InviteAsync(context, roomId, JsonFields.RequiredString(body, "user_id"), JsonFields.OptionalString(body, "reason"), cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>Membership POSTs may come with no body at all (older clients); an absent body reads as {}.</summary>
    internal static async Task<JsonObject> ReadOptionalBodyAsync(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken) =>
        request.ContentLength is 0 || (request.ContentLength is null && request.ContentType is null)
            ? []
            : await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
}
