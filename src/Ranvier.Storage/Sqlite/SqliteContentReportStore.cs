using Ranvier.Storage.Rooms;

namespace Ranvier.Storage.Sqlite;

/// <summary>content_reports: what users reported, for the server's admins.</summary>
internal sealed class SqliteContentReportStore(SqliteWriteQueue writes, SqliteReadPool reads) : IContentReportStore
{
    public Task<long> AddReportAsync(ContentReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return writes.ExecuteAsync(
            s => s.Command("INSERT INTO content_reports (room_id, event_id, reporter, reason, received_ts) VALUES (@r, @e, @u, @why, @ts) RETURNING report_id")
                .With("@r", report.RoomId).With("@e", report.EventId).With("@u", report.Reporter).With("@why", report.Reason).With("@ts", report.ReceivedTs)
                .ScalarInt64(),
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredContentReport>> GetReportsAsync(long afterId, int limit, CancellationToken cancellationToken = default) =>
        reads.ReadAsync<IReadOnlyList<StoredContentReport>>(
            s =>
            {
                using var r = s.Command("SELECT report_id, room_id, event_id, reporter, reason, received_ts FROM content_reports WHERE report_id > @a ORDER BY report_id LIMIT @l")
                    .With("@a", afterId).With("@l", limit).ExecuteReader();
                var reports = new List<StoredContentReport>();
                while (r.Read())
                {
                    reports.Add(new StoredContentReport(r.GetInt64(0), new ContentReport(r.GetString(1), r.GetStringOrNull(2), r.GetString(3), r.GetStringOrNull(4), r.GetInt64(5))));
                }

                return reports;
            },
            cancellationToken);
}
