using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Services.Presence;
using Ranvier.Server.Services.Sync;
using Ranvier.Server.Tests.Api.Presence;
using Ranvier.Server.Tests.Infrastructure;
using Ranvier.Storage.Presence;

namespace Ranvier.Server.Tests.Services.Presence;

/// <summary>
/// Presence time-outs on a manual clock (spec: "Idle timeout"): the timer loop sleeps on the clock, so advancing it
/// is what fires them; each test waits for the resulting stream position, never for wall time.
/// </summary>
public sealed class PresenceTimeoutTests : IAsyncLifetime
{
    private const string Alice = "@alice:example.org";

    private readonly ManualTimeProvider time = new();
    private TestHost host = null!;
    private string alice = null!;

    private PresenceService Presence => host.Services.GetRequiredService<PresenceService>();

    private StreamNotifier Notifier => host.Services.GetRequiredService<StreamNotifier>();

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync("server_name: example.org\npresence:\n  idle_timeout_seconds: 300\n  offline_timeout_seconds: 60\n", time: time);
        alice = await host.CreateUserWithTokenAsync("alice");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_user_who_stops_syncing_goes_offline_after_the_offline_timeout()
    {
        await Presence.OnSyncAsync(Alice, setPresence: null, isGuest: false, CancellationToken.None);
        (await StoredAsync()).State.ShouldBe("online", "a sync without set_presence brings an offline user online");

        time.Advance(TimeSpan.FromSeconds(30));
        await Presence.OnSyncAsync(Alice, null, false, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(61));

        (await StoredWhenAsync(r => r.State == "offline")).State.ShouldBe("offline");
        (await StatusAsync()).GetProperty("presence").GetString().ShouldBe("offline");
    }

    [Fact]
    public async Task Syncing_keeps_a_user_online_but_idleness_makes_them_unavailable()
    {
        await Presence.OnSyncAsync(Alice, null, false, CancellationToken.None);

        // Keep syncing every 30 s (so never offline) and do nothing else: after a minute no longer currently active…
        for (var i = 0; i < 2; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Presence.OnSyncAsync(Alice, null, false, CancellationToken.None);
        }

        var quiet = await StoredWhenAsync(r => !r.CurrentlyActive);
        (quiet.State, quiet.CurrentlyActive).ShouldBe(("online", false));

        // … and after the idle time-out, unavailable.
        for (var i = 0; i < 8; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Presence.OnSyncAsync(Alice, null, false, CancellationToken.None);
        }

        (await StoredWhenAsync(r => r.State == "unavailable")).State.ShouldBe("unavailable");
        (await StatusAsync()).GetProperty("last_active_ago").GetInt64().ShouldBe(300_000);

        // A further sync does not undo idleness; activity does.
        await Presence.OnSyncAsync(Alice, null, false, CancellationToken.None);
        (await StoredAsync()).State.ShouldBe("unavailable");
        await Presence.MarkActiveAsync(Alice, CancellationToken.None);
        var back = await StoredAsync();
        (back.State, back.CurrentlyActive).ShouldBe(("online", true));
    }

    [Fact]
    public async Task Activity_inside_the_active_window_writes_no_update_and_moves_the_window()
    {
        await host.Client.SetPresenceAsync(alice, Alice, "online");
        var set = Notifier.Position;

        time.Advance(TimeSpan.FromSeconds(30));
        await Presence.MarkActiveAsync(Alice, CancellationToken.None);
        Notifier.Position.ShouldBe(set, "currently_active already covers this activity");
        (await StatusAsync()).GetProperty("last_active_ago").GetInt64().ShouldBe(0);

        // A minute after the PUT there is nothing to say (the activity at 30 s moved the window) …
        time.Advance(TimeSpan.FromSeconds(31));
        await Presence.OnSyncAsync(Alice, null, false, CancellationToken.None);
        await Presence.ApplyDueAsync(CancellationToken.None);
        (await StoredAsync()).CurrentlyActive.ShouldBeTrue();
        Notifier.Position.ShouldBe(set);

        // … a minute after the activity there is.
        time.Advance(TimeSpan.FromSeconds(30));
        var quiet = await StoredWhenAsync(r => !r.CurrentlyActive);
        (quiet.State, quiet.CurrentlyActive).ShouldBe(("online", false));
    }

    [Fact]
    public async Task Set_presence_unavailable_on_sync_applies_and_offline_changes_nothing()
    {
        await Presence.OnSyncAsync(Alice, PresenceStates.Offline, false, CancellationToken.None);
        (await host.Services.GetRequiredService<IPresenceStore>().GetAsync(Alice)).ShouldBeNull();

        await Presence.OnSyncAsync(Alice, PresenceStates.Unavailable, false, CancellationToken.None);
        var unavailable = await StoredAsync();
        (unavailable.State, unavailable.CurrentlyActive).ShouldBe(("unavailable", false));

        await Presence.OnSyncAsync(Alice, PresenceStates.Online, false, CancellationToken.None);
        (await StoredAsync()).ShouldBe(unavailable, "a sync does not override unavailable");

        await Presence.OnSyncAsync(Alice, null, isGuest: true, CancellationToken.None);
        await Presence.OnSyncAsync("@guest:example.org", null, isGuest: true, CancellationToken.None);
        (await host.Services.GetRequiredService<IPresenceStore>().GetAsync("@guest:example.org")).ShouldBeNull("guests have no presence");
    }

    [Fact]
    public async Task After_a_restart_a_user_left_online_goes_offline_unless_they_come_back()
    {
        using var directory = new TempDirectory();
        var yaml = $"server_name: example.org\ndata_directory: {directory.Path}\n";
        await using (var first = await TestHost.StartAsync(yaml, time: new ManualTimeProvider()))
        {
            var token = await first.CreateUserWithTokenAsync("alice");
            await first.Client.SetPresenceAsync(token, Alice, "online", "still here");
        }

        await host.DisposeAsync();
        host = await TestHost.StartAsync(yaml, time: time);
        (await StoredAsync()).State.ShouldBe("online");

        time.Advance(TimeSpan.FromSeconds(61));

        var stored = await StoredWhenAsync(r => r.State == "offline");
        (stored.State, stored.StatusMessage).ShouldBe(("offline", "still here"));
    }

    private async Task<PresenceRecord> StoredAsync() =>
        (await host.Services.GetRequiredService<IPresenceStore>().GetAsync(Alice))!;

    private Task<JsonElement> StatusAsync() => host.Client.GetPresenceAsync(alice, Alice);

    /// <summary>
    /// The stored presence once <paramref name="until"/> holds, waiting (event-driven, bounded) on the notifier for the
    /// timer loop's writes: one advance of the clock may cause several writes, and they land on another thread.
    /// </summary>
    private async Task<PresenceRecord> StoredWhenAsync(Func<PresenceRecord, bool> until)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var position = Notifier.Position;
            var stored = await StoredAsync();
            if (until(stored))
            {
                return stored;
            }

            await Notifier.WaitBeyondAsync(new SyncToken(position, long.MaxValue), bound.Token);
        }
    }
}
