using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Tests.Api.Rooms;

public sealed class ReportTests : RoomTestBase
{

    private Task<IReadOnlyList<StoredContentReport>> ReportsAsync() => host.Services.GetRequiredService<IContentReportStore>().GetReportsAsync(0, 100);

    private static string ReportEvent(string roomId, string eventId) => $"{RoomClient.Room(roomId)}/report/{Uri.EscapeDataString(eventId)}";

    [Fact]
    public async Task A_member_reports_an_event_and_the_report_is_stored()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await host.Client.JoinAsync(bob, roomId);
        var message = await host.Client.SendTextAsync(alice, roomId, "rude");

        await (await host.Client.PostJsonAsync(ReportEvent(roomId, message), """{"reason":"rude","score":-100}""", bob)).ShouldBeOkJsonAsync();

        var report = (await ReportsAsync()).ShouldHaveSingleItem().Report;
        report.RoomId.ShouldBe(roomId);
        report.EventId.ShouldBe(message);
        report.Reporter.ShouldBe("@bob:example.org");
        report.Reason.ShouldBe("rude");
        report.ReceivedTs.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Non_members_get_the_same_not_found_as_for_an_unknown_event()
    {
        var roomId = await host.Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        var message = await host.Client.SendTextAsync(alice, roomId, "hi");

        var existing = await (await host.Client.PostJsonAsync(ReportEvent(roomId, message), "{}", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        var unknown = await (await host.Client.PostJsonAsync(ReportEvent(roomId, "$nope"), "{}", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        existing.GetProperty("error").GetString().ShouldBe(unknown.GetProperty("error").GetString());
        await (await host.Client.PostJsonAsync(ReportEvent(roomId, "$nope"), "{}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.PostJsonAsync(ReportEvent("!unknown:example.org", message), "{}", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        (await ReportsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Rooms_can_be_reported_by_anyone_but_must_exist()
    {
        var roomId = await host.Client.CreateRoomAsync(alice);

        await (await host.Client.PostJsonAsync($"{RoomClient.Room(roomId)}/report", """{"reason":""}""", carol)).ShouldBeOkJsonAsync();
        await (await host.Client.PostJsonAsync($"{RoomClient.Room("!nope:example.org")}/report", """{"reason":"x"}""", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.NotFound, "M_NOT_FOUND");
        await (await host.Client.PostJsonAsync($"{RoomClient.Room(roomId)}/report", "{}", carol)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_MISSING_PARAM");

        var report = (await ReportsAsync()).ShouldHaveSingleItem().Report;
        report.EventId.ShouldBeNull();
        report.Reason.ShouldBe("");
    }

    [Fact]
    public async Task Bad_bodies_and_guests_are_refused()
    {
        var roomId = await host.Client.CreateRoomAsync(alice);
        var message = await host.Client.SendTextAsync(alice, roomId, "hi");
        var guest = await host.CreateUserWithTokenAsync("guest1", AccountKind.Guest);

        await (await host.Client.PostJsonAsync(ReportEvent(roomId, message), """{"reason":1}""", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_BAD_JSON");
        await (await host.Client.PostJsonAsync(ReportEvent(roomId, message), "not json", alice)).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_NOT_JSON");
        await (await host.Client.PostJsonAsync(ReportEvent(roomId, message), "{}", guest)).ShouldBeMatrixErrorAsync(HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }
}
