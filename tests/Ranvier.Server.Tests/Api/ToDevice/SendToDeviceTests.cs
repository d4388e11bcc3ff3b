using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Devices;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.ToDevice;

namespace Ranvier.Server.Tests.Api.ToDevice;

public sealed class SendToDeviceTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string BobPhone = "DEVICEBOB";
    private const string BobLaptop = "LAPTOP";
    private TestHost host = null!;
    private string aliceToken = null!;
    private string bobToken = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\n");
        aliceToken = await host.CreateUserWithTokenAsync("alice");
        bobToken = await host.CreateUserWithTokenAsync("bob");
        await host.AddDeviceAsync(Bob, BobLaptop);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private IToDeviceStore Store => host.Services.GetRequiredService<IToDeviceStore>();

    private long Position => host.Services.GetRequiredService<StreamNotifier>().Position;

    private async Task<JsonArray> EventsForAsync(string userId, string deviceId) =>
        (await host.Services.SyncToDeviceAsync(userId, deviceId, since: null)).ToDevice;

    [Fact]
    public async Task A_message_reaches_the_named_device_only_with_sender_type_and_content()
    {
        var response = await host.SendAsync(aliceToken, "t1", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{"key":"value","n":[1,2]} } }""", "m.room_key_request");

        (await response.ShouldBeOkJsonAsync()).EnumerateObject().ShouldBeEmpty();
        var message = (await EventsForAsync(Bob, BobPhone)).ShouldHaveSingleItem()!;
        message["sender"]!.GetValue<string>().ShouldBe(Alice);
        message["type"]!.GetValue<string>().ShouldBe("m.room_key_request");
        message["content"]!.ToJsonString().ShouldBe("""{"key":"value","n":[1,2]}""");
        (await EventsForAsync(Bob, BobLaptop)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_wildcard_reaches_every_device_of_the_user()
    {
        await (await host.SendAsync(aliceToken, "t1", $$$"""{"{{{Bob}}}":{"*":{"all":true} } }""")).ShouldBeOkJsonAsync();

        (await EventsForAsync(Bob, BobPhone)).ShouldHaveSingleItem();
        (await EventsForAsync(Bob, BobLaptop)).ShouldHaveSingleItem();
        (await EventsForAsync(Alice, "DEVICEALICE")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_retried_transaction_succeeds_without_sending_again()
    {
        await (await host.SendAsync(aliceToken, "t1", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{"try":1} } }""")).ShouldBeOkJsonAsync();
        var after = Position;

        (await (await host.SendAsync(aliceToken, "t1", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{"try":2} } }""")).ShouldBeOkJsonAsync()).EnumerateObject().ShouldBeEmpty();

        Position.ShouldBe(after);
        (await Store.CountPendingAsync(Bob, BobPhone)).ShouldBe(1);
        await (await host.SendAsync(aliceToken, "t2", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{"try":3} } }""")).ShouldBeOkJsonAsync();
        (await Store.CountPendingAsync(Bob, BobPhone)).ShouldBe(2);
    }

    [Fact]
    public async Task A_send_wakes_a_waiting_long_poll()
    {
        var notifier = host.Services.GetRequiredService<StreamNotifier>();
        var waiting = notifier.WaitBeyondAsync(notifier.Current, CancellationToken.None);
        waiting.IsCompleted.ShouldBeFalse();

        await (await host.SendAsync(aliceToken, "t1", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{} } }""")).ShouldBeOkJsonAsync();

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Stream.ShouldBe(Position);
    }

    [Fact]
    public async Task Unknown_users_devices_and_remote_users_are_skipped_while_the_rest_is_sent()
    {
        var before = Position;
        var messages = $$$"""{"@nobody:example.org":{"*":{} },"{{{Bob}}}":{"NOSUCHDEVICE":{} },"@carol:elsewhere.test":{"*":{} } }""";
        await (await host.SendAsync(aliceToken, "t1", messages)).ShouldBeOkJsonAsync();
        Position.ShouldBe(before);

        await (await host.SendAsync(aliceToken, "t2", $$$"""{"@carol:elsewhere.test":{"*":{} },"{{{Bob}}}":{"{{{BobLaptop}}}":{} } }""")).ShouldBeOkJsonAsync();
        (await EventsForAsync(Bob, BobLaptop)).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("""{}""", HttpStatusCode.BadRequest, "M_MISSING_PARAM")]
    [InlineData("""{"messages":[1]}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"messages":{"@bob:example.org":{"DEVICEBOB":{}},"@bob2:example.org":"x"}}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"messages":{"@bob:example.org":{"DEVICEBOB":{},"LAPTOP":7}}}""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    [InlineData("""{"messages":{"@bob:example.org":{"DEVICEBOB":{}},"bob":{"*":{}}}}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM")]
    [InlineData("""{"messages":{"@bob:example.org":{"DEVICEBOB":{}}},"messages":{}}""", HttpStatusCode.BadRequest, "M_NOT_JSON")]
    [InlineData("""not json""", HttpStatusCode.BadRequest, "M_NOT_JSON")]
    [InlineData("""[]""", HttpStatusCode.BadRequest, "M_BAD_JSON")]
    public async Task A_bad_body_is_refused_and_sends_nothing(string body, HttpStatusCode status, string errcode)
    {
        var before = Position;

        await (await host.Client.PutJsonAsync(ToDeviceClient.SendPath("m.test", "t1"), body, aliceToken)).ShouldBeMatrixErrorAsync(status, errcode);

        Position.ShouldBe(before);
        (await Store.CountPendingAsync(Bob, BobPhone)).ShouldBe(0);
        (await Store.CountPendingAsync(Bob, BobLaptop)).ShouldBe(0);

        // The refused request did not use up its transaction ID.
        await (await host.SendAsync(aliceToken, "t1", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{} } }""")).ShouldBeOkJsonAsync();
        (await Store.CountPendingAsync(Bob, BobPhone)).ShouldBe(1);
    }

    [Fact]
    public async Task A_huge_body_or_event_type_is_refused()
    {
        var huge = $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{"x":"{{{new string('x', host.Options.MaxJsonBodyBytes)}}}"} } }""";
        await (await host.SendAsync(aliceToken, "t1", huge)).ShouldBeMatrixErrorAsync(HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        await (await host.SendAsync(aliceToken, "t2", $$$"""{"{{{Bob}}}":{"*":{} } }""", new string('t', 256))).ShouldBeMatrixErrorAsync(HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        (await Store.CountPendingAsync(Bob, BobPhone)).ShouldBe(0);
    }

    [Fact]
    public async Task Sending_needs_an_access_token_and_guests_may_send()
    {
        await (await host.Client.PutJsonAsync(ToDeviceClient.SendPath("m.test", "t1"), $$$"""{"messages":{"{{{Bob}}}":{"*":{} } } }""", null))
            .ShouldBeMatrixErrorAsync(HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        var guestToken = await host.CreateUserWithTokenAsync("guest", AccountKind.Guest);

        await (await host.SendAsync(guestToken, "t1", $$$"""{"{{{Bob}}}":{"{{{BobPhone}}}":{} } }""")).ShouldBeOkJsonAsync();

        (await EventsForAsync(Bob, BobPhone)).ShouldHaveSingleItem()!["sender"]!.GetValue<string>().ShouldBe("@guest:example.org");
    }

    [Fact]
    public async Task Deleting_a_device_or_logging_out_deletes_its_pending_messages()
    {
        await (await host.SendAsync(aliceToken, "t1", $$$"""{"{{{Bob}}}":{"*":{} },"{{{Alice}}}":{"*":{} } }""")).ShouldBeOkJsonAsync();

        await host.Services.GetRequiredService<DeviceService>().DeleteAsync(Bob, [BobLaptop], CancellationToken.None);
        await (await host.Client.PostJsonAsync("/_matrix/client/v3/logout", "{}", bobToken)).ShouldBeOkJsonAsync();

        (await Store.CountPendingAsync(Bob, BobLaptop)).ShouldBe(0);
        (await Store.CountPendingAsync(Bob, BobPhone)).ShouldBe(0);
        (await Store.CountPendingAsync(Alice, "DEVICEALICE")).ShouldBe(1);
    }
}
