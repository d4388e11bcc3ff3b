using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>
/// Client-server API "Room membership" (joining.yaml, leaving.yaml, inviting.yaml, kicking.yaml, banning.yaml,
/// knocking.yaml, list_joined_rooms.yaml).
/// </summary>
internal static class RoomMembershipEndpoints
{
    public static void MapRoomMembershipEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/joined_rooms", JoinedRooms).RequireAccessToken().AllowGuests();
        client.MapPost("/join/{roomIdOrAlias}", JoinByIdOrAlias).RequireAccessToken().AllowGuests();
        client.MapPost("/rooms/{roomId}/join", Join).RequireAccessToken().AllowGuests();
        client.MapPost("/rooms/{roomId}/leave", Leave).RequireAccessToken().AllowGuests();
        client.MapPost("/rooms/{roomId}/invite", Invite).RequireAccessToken();
        client.MapPost("/rooms/{roomId}/kick", (string roomId, HttpRequest request, RequestContext context, RanvierOptions options, MembershipService membership, CancellationToken ct) =>
            ChangeOther(membership.KickAsync, roomId, request, context, options, ct)).RequireAccessToken();
        client.MapPost("/rooms/{roomId}/ban", (string roomId, HttpRequest request, RequestContext context, RanvierOptions options, MembershipService membership, CancellationToken ct) =>
            ChangeOther(membership.BanAsync, roomId, request, context, options, ct)).RequireAccessToken();
        client.MapPost("/rooms/{roomId}/unban", (string roomId, HttpRequest request, RequestContext context, RanvierOptions options, MembershipService membership, CancellationToken ct) =>
            ChangeOther(membership.UnbanAsync, roomId, request, context, options, ct)).RequireAccessToken();
        client.MapPost("/knock/{roomIdOrAlias}", Knock).RequireAccessToken();
        client.MapPost("/rooms/{roomId}/forget", Forget).RequireAccessToken();
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

    /// <summary>POST /rooms/{roomId}/kick, /ban and /unban: a change of another user's membership, {user_id, reason?}.</summary>
    private static async Task<EmptyResponse> ChangeOther(
        Func<RequestContext, string, string, string?, CancellationToken, Task> change, string roomId, HttpRequest request, RequestContext context,
        RanvierOptions options, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await change(context, roomId, JsonFields.RequiredString(body, "user_id"), JsonFields.OptionalString(body, "reason"), cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>POST /knock/{roomIdOrAlias} (the via/server_name hints matter only once rooms federate).</summary>
    private static async Task<JsonObject> Knock(
        string roomIdOrAlias, HttpRequest request, RequestContext context, RanvierOptions options, MembershipService membership, CancellationToken cancellationToken)
    {
        var body = await ReadOptionalBodyAsync(request, options, cancellationToken);
        var roomId = await membership.KnockAsync(context, roomIdOrAlias, JsonFields.OptionalString(body, "reason"), cancellationToken);
        return new JsonObject { ["room_id"] = roomId };
    }

    /// <summary>POST /rooms/{roomId}/forget.</summary>
    private static async Task<EmptyResponse> Forget(string roomId, RequestContext context, MembershipService membership, CancellationToken cancellationToken)
    {
        await membership.ForgetAsync(context, roomId, cancellationToken);
        return EmptyResponse.Instance;
    }

    /// <summary>Membership POSTs may come with no body at all (older clients); an absent body reads as {}.</summary>
    internal static async Task<JsonObject> ReadOptionalBodyAsync(HttpRequest request, RanvierOptions options, CancellationToken cancellationToken) =>
        request.ContentLength is 0 || (request.ContentLength is null && request.ContentType is null)
            ? []
            : await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
}
