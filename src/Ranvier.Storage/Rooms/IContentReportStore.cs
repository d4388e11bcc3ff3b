namespace Ranvier.Storage.Rooms;

/// <summary>Reports of rooms and events by users (spec: client-server API, "Reporting content"), for the server's admins.</summary>
public interface IContentReportStore
{
    /// <summary>Records a report; returns its ID.</summary>
    Task<long> AddReportAsync(ContentReport report, CancellationToken cancellationToken = default);

    /// <summary>Reports, oldest first, with an ID above <paramref name="afterId"/>.</summary>
    Task<IReadOnlyList<StoredContentReport>> GetReportsAsync(long afterId, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A report of an event (<paramref name="EventId"/> set) or of a whole room.</summary>
public sealed record ContentReport(string RoomId, string? EventId, string Reporter, string? Reason, long ReceivedTs);

/// <summary>A stored report with its ID.</summary>
public sealed record StoredContentReport(long Id, ContentReport Report);
