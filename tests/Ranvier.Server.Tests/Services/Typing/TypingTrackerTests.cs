using Ranvier.Server.Services.Sync;
using Ranvier.Server.Services.Typing;
using Ranvier.Server.Tests.Infrastructure;

namespace Ranvier.Server.Tests.Services.Typing;

public sealed class TypingTrackerTests : IDisposable
{
    private const string Room = "!room:test";
    private const string Alice = "@alice:test";
    private const string Bob = "@bob:test";

    private readonly ManualTimeProvider _time = new();
    private readonly StreamNotifier _notifier = new();
    private readonly TypingTracker _tracker;

    public TypingTrackerTests() => _tracker = new TypingTracker(_notifier, _time);

    public void Dispose() => _tracker.Dispose();

    private IReadOnlyList<string> Typing(string roomId = Room) =>
        _tracker.Snapshot(new HashSet<string> { roomId }).SingleOrDefault()?.UserIds ?? [];

    [Fact]
    public void Starting_and_stopping_change_the_set_and_take_typing_positions()
    {
        var start = _notifier.Current.Typing;
        _tracker.FirstPosition.ShouldBe(start);

        _tracker.Start(Room, Bob, TimeSpan.FromSeconds(30));
        _tracker.Start(Room, Alice, TimeSpan.FromSeconds(30));
        Typing().ShouldBe([Alice, Bob]);
        _tracker.Snapshot(new HashSet<string> { Room }).Single().LastChange.ShouldBe(start + 2);

        _tracker.Stop(Room, Bob);
        Typing().ShouldBe([Alice]);
        _notifier.Current.Typing.ShouldBe(start + 3);

        _tracker.Stop(Room, Bob);
        _notifier.Current.Typing.ShouldBe(start + 3, "stopping someone who is not typing changes nothing");
    }

    [Fact]
    public async Task A_user_stops_typing_when_the_timeout_passes_and_waiting_syncs_wake()
    {
        _tracker.Start(Room, Alice, TimeSpan.FromSeconds(10));
        var waiting = _notifier.WaitBeyondAsync(_notifier.Current, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(9));
        Typing().ShouldBe([Alice]);
        waiting.IsCompleted.ShouldBeFalse();

        _time.Advance(TimeSpan.FromSeconds(1));
        Typing().ShouldBeEmpty();
        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Typing.ShouldBe(_notifier.Current.Typing);
    }

    [Fact]
    public void A_refresh_extends_the_timeout_without_waking_anyone()
    {
        _tracker.Start(Room, Alice, TimeSpan.FromSeconds(10));
        var afterStart = _notifier.Current.Typing;
        _time.Advance(TimeSpan.FromSeconds(8));

        _tracker.Start(Room, Alice, TimeSpan.FromSeconds(10));
        _notifier.Current.Typing.ShouldBe(afterStart);
        _time.Advance(TimeSpan.FromSeconds(5));
        Typing().ShouldBe([Alice], "the first timeout was replaced by the second");
        _notifier.Current.Typing.ShouldBe(afterStart);

        _time.Advance(TimeSpan.FromSeconds(5));
        Typing().ShouldBeEmpty();
    }

    [Fact]
    public void Expiries_in_several_rooms_fire_in_order()
    {
        _tracker.Start(Room, Alice, TimeSpan.FromSeconds(20));
        _tracker.Start("!other:test", Bob, TimeSpan.FromSeconds(5));
        _tracker.Start(Room, Bob, TimeSpan.FromSeconds(40));

        _time.Advance(TimeSpan.FromSeconds(6));
        Typing("!other:test").ShouldBeEmpty();
        Typing().ShouldBe([Alice, Bob]);
        _time.Advance(TimeSpan.FromSeconds(15));
        Typing().ShouldBe([Bob]);
        _time.Advance(TimeSpan.FromSeconds(20));
        Typing().ShouldBeEmpty();
    }

    [Fact]
    public void A_zero_timeout_stops_typing()
    {
        _tracker.Start(Room, Alice, TimeSpan.FromSeconds(20));
        _tracker.Start(Room, Alice, TimeSpan.Zero);
        Typing().ShouldBeEmpty();
    }
}
