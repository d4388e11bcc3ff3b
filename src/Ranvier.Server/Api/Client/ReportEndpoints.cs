using System.Text.Json.Nodes;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Rooms;

namespace Ranvier.Server.Api.Client;

/// <summary>Client-server API reporting content (report_content.yaml): events and rooms.</summary>
internal static class ReportEndpoints
{
    public static void MapReportEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/rooms/{roomId}/report/{eventId}", ReportEvent).RequireAccessToken();
        client.MapPost("/rooms/{roomId}/report", ReportRoom).RequireAccessToken();
    }

    /// <summary>POST /rooms/{roomId}/report/{eventId} with an optional <c>reason</c> (the <c>score</c> field was removed in v1.18 and is ignored).</summary>
    private static async Task<JsonObject> ReportEvent(
        string roomId, string eventId, HttpRequest request, RequestContext context, RanvierOptions options, ContentReportService reports,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await reports.ReportEventAsync(context, roomId, eventId, JsonFields.OptionalString(body, "reason"), cancellationToken);
        return [];
    }

    /// <summary>POST /rooms/{roomId}/report with a required (possibly empty) <c>reason</c> (v1.13).</summary>
    private static async Task<JsonObject> ReportRoom(
        string roomId, HttpRequest request, RequestContext context, RanvierOptions options, ContentReportService reports, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, options.MaxJsonBodyBytes, cancellationToken);
        await reports.ReportRoomAsync(context, roomId, JsonFields.RequiredString(body, "reason"), cancellationToken);
        return [];
    }
}
