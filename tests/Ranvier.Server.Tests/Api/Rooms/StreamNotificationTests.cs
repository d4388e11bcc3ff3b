using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Tests.Api.Rooms;

/// <summary>The notify step: every write on the global stream announces its position, room events and account data alike.</summary>
public sealed class StreamNotificationTests : RoomTestBase
{
    [Fact]
    public async Task Room_events_and_account_data_move_the_notifier_to_the_stores_position()
    {
        var notifier = host.Services.GetRequiredService<StreamNotifier>();
        var store = host.Services.GetRequiredService<IRoomEventStore>();
        var roomId = await Client.CreateRoomAsync(alice);
        notifier.Position.ShouldBe(await store.GetMaxStreamPositionAsync());

        var start = notifier.Current;
        var waiting = notifier.WaitBeyondAsync(start, CancellationToken.None);
        await Client.SendTextAsync(alice, roomId, "wake up");
        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Stream.ShouldBeGreaterThan(start.Stream);
        // The message, then Alice's presence (sending is activity: offline → online) are both announced.
        notifier.Position.ShouldBe(await store.GetMaxStreamPositionAsync());

        var before = notifier.Position;
        await (await Client.PutJsonAsync("/_matrix/client/v3/user/@alice:example.org/account_data/org.example.x", "{}", alice)).ShouldBeOkJsonAsync();
        notifier.Position.ShouldBeGreaterThan(before);
    }
}
