using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Keys;
using Ranvier.Server.Services.Push;
using Ranvier.Server.Services.Sync;
using Ranvier.Storage;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// The one path of a local room event (docs/ARCHITECTURE.md): build (graph fields, hashes, signature) → check
/// (the room version's authorization rules against the room's current state) → persist (one transaction) →
/// notify. Every client endpoint that writes to a room goes through <see cref="SendAsync"/>; it holds the room's
/// lock from reading the forward extremities to persisting, so the room's DAG stays linear and its state exact.
/// What a send builds on (extremities, auth state) is kept between sends in <see cref="RoomTips"/>.
/// </summary>
public sealed partial class RoomEventPipeline(
    RanvierOptions options,
    ServerKeyring keys,
    RoomEventReader reader,
    RoomLocks locks,
    RoomTips tips,
    StreamNotifier notifier,
    SyncChangeIndex syncChanges,
    EventPushEvaluator push,
    RoomPushAudiences pushAudiences,
    TimeProvider time,
    IEnumerable<IRoomEventObserver> observers,
    ILogger<RoomEventPipeline> logger)
{
    /// <summary>At most this many forward extremities become one event's prev_events (spec: rooms merge forks by referencing them).</summary>
    public const int MaxPrevEvents = 10;

    private IRoomEventStore Store => reader.Store;

    /// <summary>
    /// Builds a room's m.room.create event. The room ID is <paramref name="roomId"/> for room versions that name
    /// rooms, and derived from the create event itself from v12.
    /// </summary>
    public Pdu BuildCreate(RoomVersion version, string? roomId, string creator, JsonObject content)
    {
        ArgumentNullException.ThrowIfNull(version);
        var json = NewEventJson(version, version.RoomIdFromCreateEvent ? null : roomId, EventTypes.Create, string.Empty, creator, content);
        json["depth"] = 1;
        json["prev_events"] = new JsonArray();
        json["auth_events"] = new JsonArray();
        return PduFactory.HashSignAndCreate(json, version, options.ServerName, keys.Current);
    }

    /// <summary>
    /// Builds an event on top of <paramref name="prevEvents"/>, citing as auth events the entries of
    /// <paramref name="state"/> (the state before it) that the auth rules select. Pure: nothing is read or written.
    /// </summary>
    public Pdu Build(RoomVersion version, EventDraft draft, IReadOnlyList<PrevEvent> prevEvents, IReadOnlyDictionary<(string Type, string StateKey), Pdu> state)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(prevEvents);
        ArgumentNullException.ThrowIfNull(state);
        var content = draft.Content;
        if (draft.Redacts is not null && version.Redaction >= RedactionRules.V11)
        {
            content = (JsonObject)content.DeepClone();
            content["redacts"] = draft.Redacts;
        }

        var json = NewEventJson(version, draft.RoomId, draft.Type, draft.StateKey, draft.Sender, content);
        if (draft.Redacts is not null && version.Redaction < RedactionRules.V11)
        {
            json["redacts"] = draft.Redacts;
        }

        json["depth"] = prevEvents.Count == 0 ? 1 : prevEvents.Max(e => e.Depth) + 1;
        json["prev_events"] = EventRefs(prevEvents, version);
        var authEvents = AuthEventSelection.Select(version, draft.Type, draft.Sender, draft.StateKey, content)
            .Select(state.GetValueOrDefault).OfType<Pdu>().Distinct().OrderBy(e => e.EventId, StringComparer.Ordinal)
            .Select(e => PrevEvent.Of(e, version));
        json["auth_events"] = EventRefs(authEvents, version);
        return PduFactory.HashSignAndCreate(json, version, options.ServerName, keys.Current);
    }

    /// <summary>
    /// Persists a new room's first events, built and checked in memory as one linear chain starting with its
    /// create event, so a room whose initial state does not pass auth is never half-written.
    /// </summary>
    public async Task PersistNewRoomAsync(RoomVersion version, IReadOnlyList<Pdu> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0 || events[0].Type != EventTypes.Create)
        {
            throw new ArgumentException("A new room starts with its create event.", nameof(events));
        }

        using (await locks.AcquireAsync(events[0].RoomId, cancellationToken).ConfigureAwait(false))
        {
            StateInput state = StateInput.Empty;
            foreach (var pdu in events)
            {
                await PersistAsync(pdu, version, state, transaction: null).ConfigureAwait(false);
                state = StateInput.After(pdu.EventId);
            }

            tips.Forget(events[0].RoomId);
        }
    }

    /// <summary>
    /// Sends an event into an existing room as <see cref="EventDraft.Sender"/>. A rejected event answers 403
    /// M_FORBIDDEN with the auth rule's reason and changes nothing. A repeated client transaction returns the
    /// event it created the first time.
    /// </summary>
    public async Task<Pdu> SendAsync(EventDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var version = await reader.GetRoomVersionAsync(draft.RoomId, cancellationToken).ConfigureAwait(false)
            ?? throw MatrixError.Forbidden("This server knows no such room, or you are not in it.");

        using (await locks.AcquireAsync(draft.RoomId, cancellationToken).ConfigureAwait(false))
        {
            var tip = tips.For(draft.RoomId);
            try
            {
                var (pdu, authState) = await BuildOnCurrentStateAsync(draft, version, tip, cancellationToken).ConfigureAwait(false);
                var check = EventAuth.Check(version, pdu, new AuthState(authState));
                if (check.Rejected)
                {
                    // A retried request whose first attempt went through answers with that event, whatever changed since.
                    if (draft.Transaction is { } retried && await FindTransactionAsync(retried, cancellationToken).ConfigureAwait(false) is { } first)
                    {
                        return first;
                    }

                    LogRejected(logger, pdu.EventId, pdu.Type, pdu.Sender, check.ToString());
                    throw MatrixError.Forbidden(check.Reason);
                }

                StateInput stateBefore = pdu.PrevEvents.Count == 1
                    ? StateInput.After(pdu.PrevEvents[0])
                    : new StateInput.Full(await Store.GetCurrentStateAsync(draft.RoomId, cancellationToken).ConfigureAwait(false));
                await PersistAsync(pdu, version, stateBefore, draft.Transaction).ConfigureAwait(false);
                if (pdu.Type == EventTypes.Redaction)
                {
                    // A redacted state event reads differently to the auth rules: read the state again next time.
                    tips.Forget(draft.RoomId);
                }
                else
                {
                    tip.Advance(pdu, version);
                }

                return pdu;
            }
            catch (TransactionConflictException) when (draft.Transaction is { } txn)
            {
                // The transaction is checked when its event is written (the common case, a new one, costs no read).
                return await FindTransactionAsync(txn, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The transaction {txn.TransactionId} conflicts with an event that cannot be read.");
            }
            catch (Exception e) when (e is not MatrixError)
            {
                tips.Forget(draft.RoomId);
                throw;
            }
        }
    }

    /// <summary>
    /// Persists an accepted event with what push rules decided for it and announces its stream position. Once queued,
    /// the write completes even if the client goes away.
    /// </summary>
    private async Task PersistAsync(Pdu pdu, RoomVersion version, StateInput stateBefore, ClientTransaction? transaction)
    {
        var pushOutcome = await push.EvaluateAsync(pdu, version, CancellationToken.None).ConfigureAwait(false);
        var request = new EventToPersist(
            pdu, CanonicalJson.Serialize(pdu.Json), version, EventStatus.Accepted, stateBefore, Transaction: transaction, Push: pushOutcome,
            BuiltHere: true);
        var persisted = await Store.PersistEventAsync(request, CancellationToken.None).ConfigureAwait(false);
        if (RoomPushAudiences.Changes(pdu))
        {
            pushAudiences.Invalidate(pdu.RoomId);
        }

        if (persisted.StreamPosition is { } position)
        {
            // Recorded before it is announced, so a woken /sync finds it (see SyncChangeIndex).
            syncChanges.RoomEvent(position, pdu.RoomId, pdu.Type == EventTypes.Member ? pdu.StateKey : null);
            notifier.Advance(position);
        }

        foreach (var observer in observers)
        {
            observer.OnPersisted(pdu);
        }
    }

    private async Task<Pdu?> FindTransactionAsync(ClientTransaction transaction, CancellationToken cancellationToken)
    {
        var eventId = await Store.GetTransactionEventIdAsync(transaction, cancellationToken).ConfigureAwait(false);
        return eventId is null ? null : await reader.GetPduAsync(eventId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds a draft on the room's forward extremities and current state, read from the store where the tip lacks them.</summary>
    private async Task<(Pdu Event, Dictionary<(string Type, string StateKey), Pdu> AuthState)> BuildOnCurrentStateAsync(
        EventDraft draft, RoomVersion version, RoomTip tip, CancellationToken cancellationToken)
    {
        if (tip.Extremities is null)
        {
            var extremityIds = await Store.GetForwardExtremitiesAsync(draft.RoomId, cancellationToken).ConfigureAwait(false);
            var extremities = await Store.GetEventsByIdAsync(extremityIds, cancellationToken).ConfigureAwait(false);
            tip.Extremities = [.. extremities.Select(e => PrevEvent.Of(RoomEventReader.ToPdu(e, version), version))];
        }

        var prev = tip.Extremities.OrderByDescending(e => e.Depth).ThenBy(e => e.EventId, StringComparer.Ordinal).Take(MaxPrevEvents).ToList();
        var state = await AuthStateAsync(draft, version, tip, cancellationToken).ConfigureAwait(false);
        return (Build(version, draft, prev, state), state);
    }

    /// <summary>The current state events the auth rules read for the draft (the create event always, even where v12 does not cite it).</summary>
    private async Task<Dictionary<(string Type, string StateKey), Pdu>> AuthStateAsync(
        EventDraft draft, RoomVersion version, RoomTip tip, CancellationToken cancellationToken)
    {
        var keys = AuthEventSelection.Select(version, draft.Type, draft.Sender, draft.StateKey, draft.Content);
        var state = new Dictionary<(string Type, string StateKey), Pdu>(keys.Count + 1);
        List<StateKey>? missing = null;
        foreach (var key in keys.Append((Type: EventTypes.Create, StateKey: string.Empty)))
        {
            if (!tip.TryGetState(key, out var known))
            {
                (missing ??= []).Add(new StateKey(key.Type, key.StateKey));
            }
            else if (known is not null)
            {
                state[key] = known;
            }
        }

        if (missing is not null)
        {
            var read = await reader.GetCurrentStateAsync(draft.RoomId, version, [.. missing.Distinct()], cancellationToken).ConfigureAwait(false);
            foreach (var key in missing)
            {
                var found = read.GetValueOrDefault((key.Type, key.Key));
                tip.SetState((key.Type, key.Key), found);
                if (found is not null)
                {
                    state[(key.Type, key.Key)] = found;
                }
            }
        }

        return state;
    }

    private JsonObject NewEventJson(RoomVersion version, string? roomId, string type, string? stateKey, string sender, JsonObject content)
    {
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["content"] = content.DeepClone(),
            ["origin_server_ts"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (roomId is not null)
        {
            json["room_id"] = roomId;
        }

        if (stateKey is not null)
        {
            json["state_key"] = stateKey;
        }

        if (version.EventFormat == EventFormat.V1)
        {
            // Room versions 1 and 2 carry the event ID inside the event: a random local part and this server's name.
            json["event_id"] = "$" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 18) + ":" + options.ServerName;
            json["origin"] = options.ServerName;
        }

        return json;
    }

    /// <summary>Event references as the room version writes them: IDs, or [ID, {sha256: reference hash}] pairs for v1/v2.</summary>
    private static JsonArray EventRefs(IEnumerable<PrevEvent> events, RoomVersion version)
    {
        var refs = new JsonArray();
        foreach (var e in events)
        {
            refs.Add(version.EventFormat == EventFormat.V1
                ? new JsonArray(e.EventId, new JsonObject { ["sha256"] = e.ReferenceHash })
                : JsonValue.Create(e.EventId));
        }

        return refs;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused local event {EventId} ({Type}) from {Sender}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string eventId, string type, string sender, string reason);
}
