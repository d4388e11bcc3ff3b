using System.Text.Json;
using Ranvier.Server.Tests.Api.Rooms;

namespace Ranvier.Server.Tests.Api.Sync;

/// <summary>Lazy-loading room members in /sync (spec: "Lazy-loading room members"): senders' members, once per device, again after a gap.</summary>
public sealed class SyncLazyMembersTests : RoomTestBase
{
    private const string Lazy = """{"room":{"state":{"lazy_load_members":true},"timeline":{"limit":2}}}""";
    private const string LazyRedundant = """{"room":{"state":{"lazy_load_members":true,"include_redundant_members":true},"timeline":{"limit":2}}}""";

    private string roomId = null!;

    protected override async Task SetUpAsync()
    {
        roomId = await Client.CreateRoomAsync(alice, """{"preset":"public_chat","name":"Named"}""");
        await Client.JoinAsync(bob, roomId);
        await Client.JoinAsync(carol, roomId);
        await Client.SendTextAsync(bob, roomId, "b1");
        await Client.SendTextAsync(alice, roomId, "a1");
    }

    [Fact]
    public async Task Initial_sync_sends_only_the_members_of_the_timelines_senders()
    {
        var room = (await Client.SyncAsync(alice, filter: Lazy)).RequireRoom(roomId);

        Members(room).ShouldBe(["@alice:example.org", "@bob:example.org"], ignoreOrder: true);
        room.StateKeys().ShouldContain(("m.room.create", ""));
    }

    [Fact]
    public async Task A_member_already_sent_to_the_device_is_not_sent_again_unless_redundant_members_are_asked_for()
    {
        var first = await Client.SyncAsync(alice, filter: Lazy);
        await Client.SendTextAsync(bob, roomId, "b2");

        var next = (await Client.SyncAsync(alice, since: first.NextBatch(), filter: Lazy)).RequireRoom(roomId);
        var redundant = (await Client.SyncAsync(alice, since: first.NextBatch(), filter: LazyRedundant)).RequireRoom(roomId);

        Members(next).ShouldBeEmpty();
        Members(redundant).ShouldBe(["@bob:example.org"]);
    }

    [Fact]
    public async Task A_new_sender_s_member_comes_with_their_first_event()
    {
        var first = await Client.SyncAsync(alice, filter: Lazy);
        await Client.SendTextAsync(carol, roomId, "c1");

        var room = (await Client.SyncAsync(alice, since: first.NextBatch(), filter: Lazy)).RequireRoom(roomId);

        Members(room).ShouldBe(["@carol:example.org"]);
    }

    [Fact]
    public async Task After_a_gap_the_senders_members_are_sent_again()
    {
        var first = await Client.SyncAsync(alice, filter: Lazy);
        for (var i = 0; i < 4; i++)
        {
            await Client.SendTextAsync(bob, roomId, $"b{i + 2}");
        }

        var room = (await Client.SyncAsync(alice, since: first.NextBatch(), filter: Lazy)).RequireRoom(roomId);

        room.GetProperty("timeline").GetProperty("limited").GetBoolean().ShouldBeTrue();
        Members(room).ShouldContain("@bob:example.org");
    }

    [Fact]
    public async Task Without_lazy_loading_every_member_is_in_the_state()
    {
        var room = (await Client.SyncAsync(alice, filter: """{"room":{"timeline":{"limit":2}}}""")).RequireRoom(roomId);

        Members(room).ShouldBe(["@alice:example.org", "@bob:example.org", "@carol:example.org"], ignoreOrder: true);
    }

    private static List<string> Members(JsonElement room) =>
        [.. room.StateKeys().Where(k => k.Type == "m.room.member").Select(k => k.StateKey)];
}
