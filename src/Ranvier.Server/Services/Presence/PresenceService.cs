using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage.Accounts;
using Ranvier.Storage.Presence;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Presence;

/// <summary>
/// Presence (spec: client-server API "Presence"): what users set through the API and through /sync's
/// <c>set_presence</c>, the idle and offline time-outs, and who may see whom. Local users' live presence is kept in
/// memory; each visible change (state, status message, <c>currently_active</c>) is written with a position on the
/// global stream and announced to /sync. Mere activity only moves <c>last_active</c> in memory and, at most once
/// per <see cref="ActiveWindow"/>, in the store.
/// </summary>
/// <remarks>
/// What counts as activity (spec: "Last active ago", a "pro-active event"): setting presence (any state) and sending a
/// room message. Syncing is not activity: it keeps a user from going offline, and brings an offline user online,
/// but leaves an unavailable (idle or explicitly set) user unavailable, so idle users do not flap back every poll.
/// </remarks>
public sealed partial class PresenceService(
    IPresenceStore store,
    IRoomMembershipStore memberships,
    IAccountStore accounts,
    StreamNotifier notifier,
    SyncChangeIndex syncChanges,
    RanvierOptions options,
    TimeProvider time,
    ILogger<PresenceService> logger)
{
    /// <summary>Status messages longer than this (UTF-16 code units) are refused with 400 M_INVALID_PARAM.</summary>
    public const int MaxStatusMessageLength = 1024;

    /// <summary>
    /// How long after the last activity a user stays <c>currently_active</c> (spec: "Last active ago"): while it holds,
    /// activity sends no presence update. Synapse uses the same minute.
    /// </summary>
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromMinutes(1);

    /// <summary>A time-out whose write failed is tried again this much later.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, LiveUser> _live = new(StringComparer.Ordinal);
    private readonly PresenceSchedule _schedule = new();
    private readonly ServerName _serverName = ServerName.Parse(options.ServerName);

    public bool Enabled => options.Presence.Enabled;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>PUT /presence/{userId}/status: only for oneself; <c>presence</c> is required, <c>status_msg</c> optional (absent or null clears it).</summary>
    public async Task SetAsync(RequestContext context, string userId, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        OwnUser.Require(context, userId, "the presence");
        var state = JsonFields.RequiredString(body, "presence");
        if (!PresenceStates.IsValid(state))
        {
            throw MatrixError.InvalidParam("'presence' must be one of online, unavailable, offline");
        }

        var message = JsonFields.OptionalString(body, "status_msg");
        if (message is { Length: > MaxStatusMessageLength })
        {
            throw MatrixError.InvalidParam($"'status_msg' must be at most {MaxStatusMessageLength} characters");
        }

        if (!Enabled)
        {
            return;
        }

        await ChangeAsync(context.UserId, (user, now) =>
        {
            user.LastSeenTs = now;
            user.StatusMessage = message;
            if (state == PresenceStates.Online)
            {
                user.BecomeActive(now);
            }
            else
            {
                // Spec (PUT /presence): "When setting the status, the activity time is updated", whatever the state.
                user.State = state;
                user.CurrentlyActive = false;
                user.TouchActive(now);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// GET /presence/{userId}/status: oneself, or a user who shares a room with the requester (403 otherwise);
    /// 404 for a local user that does not exist. A user with no presence yet is offline.
    /// </summary>
    public async Task<JsonObject> GetAsync(RequestContext context, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!UserId.TryParse(userId, out var parsed, out var error))
        {
            throw MatrixError.InvalidParam($"Invalid user ID: {error}");
        }

        var target = parsed.ToString();
        if (!Enabled)
        {
            return new JsonObject { ["presence"] = PresenceStates.Offline };
        }

        if (target != context.UserId)
        {
            if (parsed.Server == _serverName && await accounts.GetUserAsync(target, cancellationToken).ConfigureAwait(false) is null)
            {
                throw MatrixError.NotFound("Unknown user");
            }

            if (!await memberships.SharesRoomAsync(context.UserId, target, cancellationToken).ConfigureAwait(false))
            {
                throw MatrixError.Forbidden("You are not allowed to see their presence");
            }
        }

        var stored = await store.GetAsync(target, cancellationToken).ConfigureAwait(false);
        return stored is null ? new JsonObject { ["presence"] = PresenceStates.Offline } : Content(Current(stored));
    }

    /// <summary>
    /// The /sync side (spec: GET /sync <c>set_presence</c>): absent or online marks the user as syncing and brings an
    /// offline user online; unavailable marks them syncing and unavailable; offline changes nothing. Guests have no presence.
    /// </summary>
    public Task OnSyncAsync(string userId, string? setPresence, bool isGuest, CancellationToken cancellationToken)
    {
        if (!Enabled || isGuest || setPresence == PresenceStates.Offline || (setPresence is not null && !PresenceStates.IsValid(setPresence)))
        {
            return Task.CompletedTask;
        }

        return ChangeAsync(userId, (user, now) =>
        {
            user.LastSeenTs = now;
            if (setPresence == PresenceStates.Unavailable)
            {
                user.State = PresenceStates.Unavailable;
                user.CurrentlyActive = false;
            }
            else if (user.State == PresenceStates.Offline)
            {
                user.BecomeActive(now);
            }
        }, cancellationToken);
    }

    /// <summary>A sync of the user is still going on (or just ended): only pushes the offline time-out back.</summary>
    public Task NoteSyncingAsync(string userId, string? setPresence, bool isGuest, CancellationToken cancellationToken) =>
        !Enabled || isGuest || setPresence == PresenceStates.Offline
            ? Task.CompletedTask
            : ChangeAsync(userId, static (user, now) => user.LastSeenTs = now, cancellationToken);

    /// <summary>A pro-active event (spec: "Last active ago"), such as sending a message: the user is online and currently active.</summary>
    public Task MarkActiveAsync(string userId, CancellationToken cancellationToken) =>
        Enabled ? ChangeAsync(userId, (user, now) =>
        {
            user.LastSeenTs = now;
            user.BecomeActive(now);
        }, cancellationToken) : Task.CompletedTask;

    /// <summary>A stored presence with the last-active time brought up to date from memory (spec: it "must be up to date").</summary>
    public PresenceRecord Current(PresenceRecord stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return _live.TryGetValue(stored.UserId, out var user) && Volatile.Read(ref user.LastActiveTs) > stored.LastActiveTs
            ? stored with { LastActiveTs = Volatile.Read(ref user.LastActiveTs) }
            : stored;
    }

    /// <summary>The <c>m.presence</c> event for a stored presence (spec: m.presence), its times relative to now.</summary>
    public JsonObject ToEvent(PresenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new JsonObject
        {
            ["sender"] = record.UserId,
            ["type"] = "m.presence",
            ["content"] = Content(Current(record)),
        };
    }

    /// <summary>Loads the users the store says are not offline, so their time-outs run after a restart (from now).</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var now = Now;
        foreach (var record in await store.GetNotOfflineAsync(cancellationToken).ConfigureAwait(false))
        {
            var user = _live.GetOrAdd(record.UserId, static id => new LiveUser(id));
            await user.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!user.Loaded)
                {
                    user.Load(record, now);
                }

                _schedule.Add(user, user.NextDue(options.Presence));
            }
            finally
            {
                user.Gate.Release();
            }
        }
    }

    /// <summary>
    /// Applies every time-out due by now (online → unavailable when idle, → offline when unseen, <c>currently_active</c>
    /// ending) and returns when the next one falls due, or null when none is scheduled.
    /// </summary>
    public async Task<DateTimeOffset?> ApplyDueAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        while (_schedule.TakeDue(now) is { } user)
        {
            try
            {
                await ChangeUserAsync(user, (u, at) => u.ApplyTimeouts(at, options.Presence), now, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Keep the user's time-outs alive for the next round.
                _schedule.Add(user, now + (long)RetryAfter.TotalMilliseconds);
                throw;
            }
        }

        return _schedule.Next(out var due) ? DateTimeOffset.FromUnixTimeMilliseconds(due) : null;
    }

    /// <summary>Completes when a time-out earlier than the one waited for was scheduled.</summary>
    public Task ScheduleChanged => _schedule.Changed;

    private JsonObject Content(PresenceRecord record)
    {
        var content = new JsonObject { ["presence"] = record.State };
        if (record.LastActiveTs > 0)
        {
            content["last_active_ago"] = Math.Max(0, Now - record.LastActiveTs);
        }

        if (record.StatusMessage is not null)
        {
            content["status_msg"] = record.StatusMessage;
        }

        content["currently_active"] = record.CurrentlyActive;
        return content;
    }

    private Task ChangeAsync(string userId, Action<LiveUser, long> apply, CancellationToken cancellationToken) =>
        ChangeUserAsync(_live.GetOrAdd(userId, static id => new LiveUser(id)), apply, null, cancellationToken);

    // One change at a time per user: load, apply, write what became visible, reschedule.
    private async Task ChangeUserAsync(LiveUser user, Action<LiveUser, long> apply, long? at, CancellationToken cancellationToken)
    {
        await user.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = at ?? Now;
            if (!user.Loaded)
            {
                user.Load(await store.GetAsync(user.UserId, cancellationToken).ConfigureAwait(false), now);
            }

            var before = user.Visible;
            apply(user, now);
            try
            {
                await PersistAsync(user, before).ConfigureAwait(false);
            }
            catch
            {
                // Memory ran ahead of the store: read the user again next time.
                user.Loaded = false;
                throw;
            }

            _schedule.Add(user, user.NextDue(options.Presence));
        }
        finally
        {
            user.Gate.Release();
        }
    }

    // Once decided, the write completes even if the client goes away, so memory and store agree.
    private async Task PersistAsync(LiveUser user, (string State, string? StatusMessage, bool CurrentlyActive) before)
    {
        if (user.Visible != before)
        {
            var record = await store.SetAsync(user.UserId, user.State, user.StatusMessage, user.LastActiveTs, user.CurrentlyActive, CancellationToken.None)
                .ConfigureAwait(false);
            user.LastActivePersistedTs = user.LastActiveTs;
            syncChanges.Presence(record.StreamPosition, user.UserId);
            notifier.Advance(record.StreamPosition);
            LogChanged(logger, user.UserId, user.State, user.CurrentlyActive, record.StreamPosition);
        }
        else if (user.LastActiveTs - user.LastActivePersistedTs >= (long)ActiveWindow.TotalMilliseconds)
        {
            await store.TouchLastActiveAsync(user.UserId, user.LastActiveTs, CancellationToken.None).ConfigureAwait(false);
            user.LastActivePersistedTs = user.LastActiveTs;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Presence of {UserId}: {State} (currently active: {CurrentlyActive}) at stream position {Position}")]
    private static partial void LogChanged(ILogger logger, string userId, string state, bool currentlyActive, long position);
}
