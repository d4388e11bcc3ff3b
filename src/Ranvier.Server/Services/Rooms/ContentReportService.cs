using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Reporting rooms and events to the server's admins (spec: client-server API, "Reporting content"). An event report
/// answers the same 404 whether the event does not exist or the reporter is not joined, so that non-members cannot
/// probe a room's events.
/// </summary>
public sealed class ContentReportService(RoomEventReader reader, IContentReportStore reports, TimeProvider time)
{
    /// <summary>POST /rooms/{roomId}/report/{eventId}: the reporter must be joined and the event one of the room's.</summary>
    public async Task ReportEventAsync(RequestContext context, string roomId, string eventId, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var joined = await reader.GetMembershipAsync(roomId, context.UserId, cancellationToken).ConfigureAwait(false) == Memberships.Join;
        var stored = joined ? await reader.Store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false) : null;
        if (stored is null || stored.RoomId != roomId || stored.Status != EventStatus.Accepted)
        {
            throw MatrixError.NotFound("The event was not found or you are not joined to the room.");
        }

        await AddAsync(new ContentReport(roomId, eventId, context.UserId, reason, Now()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /rooms/{roomId}/report: any user may report a room this server knows.</summary>
    public async Task ReportRoomAsync(RequestContext context, string roomId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await reader.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw MatrixError.NotFound("The room was not found.");
        }

        await AddAsync(new ContentReport(roomId, null, context.UserId, reason, Now()), cancellationToken).ConfigureAwait(false);
    }

    private Task AddAsync(ContentReport report, CancellationToken cancellationToken) => reports.AddReportAsync(report, cancellationToken);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
