using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Presence;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Api.Presence;
using Ranvier.Server.Tests.Api.Rooms;

namespace Ranvier.Server.Tests.Services.Presence;

/// <summary>The presence part of /sync, through <see cref="ISyncContributor"/> with hand-made sync windows.</summary>
public sealed class PresenceSyncContributorTests : RoomTestBase
{
    private const string Alice = "@alice:example.org";
    private const string Bob = "@bob:example.org";
    private const string Carol = "@carol:example.org";

    private string roomId = null!;

    private ISyncContributor Contributor => host.Services.GetServices<ISyncContributor>().OfType<PresenceSyncContributor>().Single();

    private StreamNotifier Notifier => host.Services.GetRequiredService<StreamNotifier>();

    protected override async Task SetUpAsync()
    {
        // Alice and Bob share a room; Carol shares none with them.
        roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat"}""");
        await Client.JoinAsync(bob, roomId);
        await Client.CreateRoomAsync(carol);
    }

    [Fact]
    public async Task An_initial_sync_carries_the_current_presence_of_room_mates_and_oneself_only()
    {
        await Client.SetPresenceAsync(alice, Alice, "online", "hi");
        await Client.SetPresenceAsync(bob, Bob, "unavailable", "away");
        await Client.SetPresenceAsync(carol, Carol, "online");

        var events = await ContributeAsync(Window(since: null));

        events.Select(Sender).ShouldBe([Alice, Bob]);
        var bobs = events[1]!;
        bobs["type"]!.GetValue<string>().ShouldBe("m.presence");
        var content = bobs["content"]!.AsObject();
        content["presence"]!.GetValue<string>().ShouldBe("unavailable");
        content["status_msg"]!.GetValue<string>().ShouldBe("away");
        content["currently_active"]!.GetValue<bool>().ShouldBeFalse();
        content["last_active_ago"].ShouldNotBeNull();
    }

    [Fact]
    public async Task An_initial_sync_leaves_out_offline_users_without_a_status_message()
    {
        await Client.SetPresenceAsync(alice, Alice, "online");
        await Client.SetPresenceAsync(bob, Bob, "offline");

        (await ContributeAsync(Window(since: null))).Select(Sender).ShouldBe([Alice]);
    }

    [Fact]
    public async Task An_incremental_sync_carries_changes_inside_the_window_only()
    {
        await Client.SetPresenceAsync(alice, Alice, "online");
        await Client.SetPresenceAsync(bob, Bob, "online");
        var from = Notifier.Current;
        await Client.SetPresenceAsync(bob, Bob, "unavailable");
        await Client.SetPresenceAsync(carol, Carol, "unavailable");
        var upto = Notifier.Current;
        await Client.SetPresenceAsync(alice, Alice, "online", "later");

        var events = await ContributeAsync(Window(since: from, upto: upto));

        events.Select(Sender).ShouldBe([Bob], "Alice's change lies after the window and Carol is a stranger");
        (await ContributeAsync(Window(since: upto))).Select(Sender).ShouldBe([Alice]);
        (await ContributeAsync(Window(since: Notifier.Current))).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_user_who_comes_to_share_a_room_brings_their_current_presence()
    {
        await Client.SetPresenceAsync(carol, Carol, "online", "new here");
        var from = Notifier.Current;

        await Client.JoinAsync(carol, roomId);

        var events = await ContributeAsync(Window(since: from));
        events.Select(Sender).ShouldBe([Carol]);
        events[0]!["content"]!["status_msg"]!.GetValue<string>().ShouldBe("new here");
    }

    [Fact]
    public async Task The_presence_filter_applies()
    {
        await Client.SetPresenceAsync(alice, Alice, "online");
        await Client.SetPresenceAsync(bob, Bob, "online");

        (await ContributeAsync(Window(null, filter: new EventFilter { NotSenders = [Bob] }))).Select(Sender).ShouldBe([Alice]);
        (await ContributeAsync(Window(null, filter: new EventFilter { Senders = [Bob] }))).Select(Sender).ShouldBe([Bob]);
        (await ContributeAsync(Window(null, filter: new EventFilter { Types = ["m.room.*"] }))).ShouldBeEmpty();
        (await ContributeAsync(Window(null, filter: new EventFilter { NotTypes = ["m.*"] }))).ShouldBeEmpty();
        (await ContributeAsync(Window(null, filter: new EventFilter { Types = ["m.pres*"] }))).Count.ShouldBe(2);
        (await ContributeAsync(Window(null, filter: new EventFilter { Limit = 1 }))).Select(Sender).ShouldBe([Bob], "the most recent change wins");
    }

    [Fact]
    public async Task The_request_hook_applies_set_presence()
    {
        var request = Window(since: null, setPresence: "unavailable").Request;

        await Contributor.OnRequestAsync(request, CancellationToken.None);

        (await Client.GetPresenceAsync(bob, Alice)).GetProperty("presence").GetString().ShouldBe("unavailable");
        (await ContributeAsync(Window(since: null))).Select(Sender).ShouldBe([Alice]);
    }

    private static string Sender(JsonNode? e) => e!["sender"]!.GetValue<string>();

    private SyncWindow Window(SyncToken? since, SyncToken? upto = null, EventFilter? filter = null, string? setPresence = null) => new()
    {
        Request = new SyncRequest(Alice, "DEVICEALICE", since, FullState: false, new Filter { Presence = filter ?? new EventFilter() }, setPresence, IsGuest: false),
        Upto = upto ?? Notifier.Current,
        JoinedRoomIds = new HashSet<string> { roomId },
        FromScratchRoomIds = new HashSet<string>(),
    };

    private async Task<JsonArray> ContributeAsync(SyncWindow window)
    {
        var response = new SyncResponse(window.Upto);
        await Contributor.ContributeAsync(window, response, CancellationToken.None);
        return response.Presence;
    }
}
