using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API room member lists (rooms.yaml: GET /rooms/{roomId}/members, /joined_members).</summary>
internal static class RoomMembersEndpoints
{
    public static void MapRoomMembersEndpoints(this RouteGroupBuilder client)
    {
        // Guests may read /members (spec: "Guest access", v1.1) but not /joined_members.
        client.MapGet("/rooms/{roomId}/members", Members).RequireAccessToken().AllowGuests();
        client.MapGet("/rooms/{roomId}/joined_members", JoinedMembers).RequireAccessToken();
    }

    /// <summary>GET /rooms/{roomId}/members?at=&amp;membership=&amp;not_membership=.</summary>
    private static async Task<JsonObject> Members(
        string roomId, string? at, string? membership, [FromQuery(Name = "not_membership")] string? notMembership, RequestContext context, RoomMembers members,
        ClientEventSerializer serializer, CancellationToken cancellationToken)
    {
        var events = await members.GetMembersAsync(context, roomId, at, membership, notMembership, cancellationToken);
        return new JsonObject { ["chunk"] = await serializer.SerializeAsync(events, ClientEventOptions.State, cancellationToken) };
    }

    /// <summary>GET /rooms/{roomId}/joined_members: {joined: {user ID: {display_name?, avatar_url?}}}.</summary>
    private static async Task<JsonObject> JoinedMembers(string roomId, RequestContext context, RoomMembers members, CancellationToken cancellationToken)
    {
        var joined = new JsonObject();
        foreach (var (userId, displayName, avatarUrl) in await members.GetJoinedMembersAsync(context, roomId, cancellationToken))
        {
            var member = new JsonObject();
            if (displayName is not null)
            {
                member["display_name"] = displayName;
            }

            if (avatarUrl is not null)
            {
                member["avatar_url"] = avatarUrl;
            }

            joined[userId] = member;
        }

        return new JsonObject { ["joined"] = joined };
    }
}
