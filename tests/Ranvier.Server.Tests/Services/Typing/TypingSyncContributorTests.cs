using System.Text.Json.Nodes;
using Ranvier.Server.Services.Filters;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Services.Typing;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Services.Typing;

public sealed class TypingSyncContributorTests : IDisposable
{
    private const string Room = "!room:test";
    private const string Quiet = "!quiet:test";
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";

    private readonly ManualTimeProvider _time = new();
    private readonly StreamNotifier _notifier = new();
    private readonly TypingTracker _tracker;
    private readonly TypingSyncContributor _contributor;

    public TypingSyncContributorTests()
    {
        _tracker = new TypingTracker(_notifier, _time);
        _contributor = new TypingSyncContributor(_tracker);
    }

    public void Dispose() => _tracker.Dispose();

    /// <summary>Runs the contributor for Alice over (since, now] with both rooms joined; returns each room's ephemeral events.</summary>
    private async Task<Dictionary<string, JsonArray>> SyncAsync(SyncToken? since, Filter? filter = null, string[]? fromScratch = null)
    {
        var joined = new HashSet<string> { Room, Quiet };
        var window = new SyncWindow
        {
            Request = new SyncRequest(Alice, "DEVICE", since, false, filter ?? Filter.Empty, null, false),
            Upto = _notifier.Current,
            JoinedRoomIds = joined,
            FromScratchRoomIds = since is null ? joined : new HashSet<string>(fromScratch ?? []),
        };
        var response = new SyncResponse(window.Upto);
        await _contributor.ContributeAsync(window, response, CancellationToken.None);
        return response.Join.ToDictionary(r => r.Key, r => r.Value.Ephemeral);
    }

    private static string[] Users(JsonArray ephemeral) =>
        [.. ephemeral.Single()!["content"]!["user_ids"]!.AsArray().Select(u => u!.GetValue<string>())];

    [Fact]
    public async Task An_initial_sync_has_the_rooms_where_someone_types()
    {
        _tracker.Start(Room, Bob, TimeSpan.FromSeconds(30));

        var rooms = await SyncAsync(null);

        rooms.Keys.ShouldBe([Room]);
        rooms[Room].Single()!["type"]!.GetValue<string>().ShouldBe("m.typing");
        Users(rooms[Room]).ShouldBe([Bob]);
    }

    [Fact]
    public async Task An_incremental_sync_has_the_rooms_that_changed_in_its_window_including_to_nobody()
    {
        _tracker.Start(Room, Bob, TimeSpan.FromSeconds(30));
        var since = _notifier.Current;
        (await SyncAsync(since)).ShouldBeEmpty("nothing changed since the token");

        _tracker.Stop(Room, Bob);
        var rooms = await SyncAsync(since);

        rooms.Keys.ShouldBe([Room]);
        Users(rooms[Room]).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_room_sent_from_scratch_in_an_incremental_sync_has_its_typers()
    {
        _tracker.Start(Quiet, Bob, TimeSpan.FromSeconds(30));
        var since = _notifier.Current;

        var rooms = await SyncAsync(since, fromScratch: [Quiet]);

        Users(rooms[Quiet]).ShouldBe([Bob]);
    }

    [Theory]
    [InlineData(-1000)]
    [InlineData(1000)]
    public async Task A_token_this_process_did_not_issue_gets_every_joined_rooms_current_list(long offset)
    {
        _tracker.Start(Room, Bob, TimeSpan.FromSeconds(30));
        var foreign = _notifier.Current with { Typing = _tracker.FirstPosition + offset };

        var rooms = await SyncAsync(foreign);

        Users(rooms[Room]).ShouldBe([Bob]);
        Users(rooms[Quiet]).ShouldBeEmpty("an empty list clears whatever an earlier process said");
    }

    [Fact]
    public async Task The_ephemeral_filter_applies_to_type_senders_rooms_and_limit()
    {
        _tracker.Start(Room, Bob, TimeSpan.FromSeconds(30));
        _tracker.Start(Room, Alice, TimeSpan.FromSeconds(30));

        (await SyncAsync(null, new Filter { Room = new RoomFilter { Ephemeral = new RoomEventFilter { NotTypes = ["m.*"] } } })).ShouldBeEmpty();
        (await SyncAsync(null, new Filter { Room = new RoomFilter { Ephemeral = new RoomEventFilter { NotRooms = [Room] } } })).ShouldBeEmpty();
        (await SyncAsync(null, new Filter { Room = new RoomFilter { NotRooms = [Room] } })).ShouldBeEmpty();
        (await SyncAsync(null, new Filter { Room = new RoomFilter { Ephemeral = new RoomEventFilter { Limit = 0 } } })).ShouldBeEmpty();
        var trimmed = await SyncAsync(null, new Filter { Room = new RoomFilter { Ephemeral = new RoomEventFilter { NotSenders = [Alice] } } });
        Users(trimmed[Room]).ShouldBe([Bob]);
    }
}
