using System.Text.Json.Nodes;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Push;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API "Listing Notifications" (notifications.yaml).</summary>
internal static class NotificationEndpoints
{
    public static void MapNotificationEndpoints(this RouteGroupBuilder client) =>
        client.MapGet("/notifications", GetNotifications).RequireAccessToken();

    /// <summary>GET /notifications?from=&amp;limit=&amp;only=highlight.</summary>
    private static Task<JsonObject> GetNotifications(
        string? from, string? limit, string? only, RequestContext context, NotificationsService notifications, CancellationToken cancellationToken) =>
        notifications.GetAsync(context.UserId, from, limit, only, cancellationToken);
}
