using Ranvier.Server.Configuration;
using Ranvier.Storage.Presence;

namespace Ranvier.Server.Services.Presence;

/// <summary>
/// One local user's presence as the server tracks it in memory, with the times the store does not keep. Mutated
/// only while <see cref="Gate"/> is held; <see cref="LastActiveTs"/> is also read without it (volatile).
/// </summary>
internal sealed class LiveUser(string userId)
{
    public readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Last activity, ms since the epoch (0: never). A field so readers can read it atomically.</summary>
    public long LastActiveTs;

    public string UserId { get; } = userId;

    public bool Loaded { get; set; }

    public string State { get; set; } = PresenceStates.Offline;

    public string? StatusMessage { get; set; }

    public bool CurrentlyActive { get; set; }

    /// <summary>When a client of the user last synced, set presence or sent something (ms); the offline time-out counts from it.</summary>
    public long LastSeenTs { get; set; }

    /// <summary>The last-active time the store holds, so activity is written at most once per active window.</summary>
    public long LastActivePersistedTs { get; set; }

    /// <summary>The earliest time-out queued for this user (guarded by the schedule's lock); <see cref="long.MaxValue"/>: none.</summary>
    public long ScheduledTs { get; set; } = long.MaxValue;

    /// <summary>What other users see; a change here is a presence update with a stream position.</summary>
    public (string State, string? StatusMessage, bool CurrentlyActive) Visible => (State, StatusMessage, CurrentlyActive);

    /// <summary>Takes the stored presence (or none). The user counts as seen now, so a restart gives clients a full offline time-out to come back.</summary>
    public void Load(PresenceRecord? stored, long now)
    {
        if (stored is not null)
        {
            State = stored.State;
            StatusMessage = stored.StatusMessage;
            Volatile.Write(ref LastActiveTs, stored.LastActiveTs);
            LastActivePersistedTs = stored.LastActiveTs;
            CurrentlyActive = stored.CurrentlyActive;
        }

        LastSeenTs = now;
        Loaded = true;
    }

    /// <summary>Activity: online, currently active, last active now (spec: "Idle timeout": activity sets a user online).</summary>
    public void BecomeActive(long now)
    {
        State = PresenceStates.Online;
        CurrentlyActive = true;
        TouchActive(now);
    }

    /// <summary>Moves the last-active time to <paramref name="now"/> (never back).</summary>
    public void TouchActive(long now) => Volatile.Write(ref LastActiveTs, Math.Max(LastActiveTs, now));

    /// <summary>The time-outs due at <paramref name="now"/>: unseen → offline; idle → unavailable; quiet → not currently active.</summary>
    public void ApplyTimeouts(long now, PresenceOptions options)
    {
        if (State != PresenceStates.Offline && now >= LastSeenTs + (long)options.OfflineTimeout.TotalMilliseconds)
        {
            State = PresenceStates.Offline;
            CurrentlyActive = false;
        }
        else if (State == PresenceStates.Online && now >= LastActiveTs + (long)options.IdleTimeout.TotalMilliseconds)
        {
            State = PresenceStates.Unavailable;
            CurrentlyActive = false;
        }
        else if (CurrentlyActive && now >= LastActiveTs + (long)PresenceService.ActiveWindow.TotalMilliseconds)
        {
            CurrentlyActive = false;
        }
    }

    /// <summary>When <see cref="ApplyTimeouts"/> next has something to do; <see cref="long.MaxValue"/>: never.</summary>
    public long NextDue(PresenceOptions options)
    {
        var due = long.MaxValue;
        if (State != PresenceStates.Offline)
        {
            due = LastSeenTs + (long)options.OfflineTimeout.TotalMilliseconds;
        }

        if (State == PresenceStates.Online)
        {
            due = Math.Min(due, LastActiveTs + (long)options.IdleTimeout.TotalMilliseconds);
        }

        if (CurrentlyActive)
        {
            due = Math.Min(due, LastActiveTs + (long)PresenceService.ActiveWindow.TotalMilliseconds);
        }

        return due;
    }
}
