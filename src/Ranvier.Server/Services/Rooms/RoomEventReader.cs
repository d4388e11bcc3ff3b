using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Reads stored room events back as <see cref="Pdu"/>s of their room's version, and the parts of a room's current
/// state that services ask about. Room versions never change, so they are cached for the life of the process.
/// </summary>
public sealed class RoomEventReader(IRoomEventStore store, IRoomRelationsStore relations)
{
    private readonly ConcurrentDictionary<string, RoomVersion> _versions = new(StringComparer.Ordinal);

    public IRoomEventStore Store => store;

    /// <summary>The version of a room this server knows, or null for an unknown room.</summary>
    public async Task<RoomVersion?> GetRoomVersionAsync(string roomId, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue(roomId, out var cached))
        {
            return cached;
        }

        var id = await store.GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (id is null || RoomVersions.Find(id) is not { } version)
        {
            return null;
        }

        return _versions.GetOrAdd(roomId, version);
    }

    /// <summary>Parses a stored event (its JSON was checked before it was stored).</summary>
    public static Pdu ToPdu(StoredEvent stored, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var json = JsonNode.Parse(stored.Json.Span) as JsonObject ?? throw new InvalidOperationException($"Stored event {stored.EventId} is not an object.");
        return Pdu.Parse(json, version, stored.EventId);
    }

    /// <summary>One event as a PDU, or null when this server does not have it.</summary>
    public async Task<Pdu?> GetPduAsync(string eventId, CancellationToken cancellationToken)
    {
        var stored = await store.GetEventAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (stored is null || await GetRoomVersionAsync(stored.RoomId, cancellationToken).ConfigureAwait(false) is not { } version)
        {
            return null;
        }

        return ToPdu(stored, version);
    }

    /// <summary>
    /// The current-state events of a room at <paramref name="keys"/>, as PDUs keyed the way the auth rules look them
    /// up. A redacted state event stays in the state in its redacted form (spec: "Redactions": the auth rules and
    /// clients see only the keys the room version's redaction algorithm keeps).
    /// </summary>
    public async Task<Dictionary<(string Type, string StateKey), Pdu>> GetCurrentStateAsync(
        string roomId, RoomVersion version, IReadOnlyCollection<StateKey> keys, CancellationToken cancellationToken)
    {
        var found = await store.GetCurrentStateEventsAsync(roomId, keys, cancellationToken).ConfigureAwait(false);
        var redacted = found.Count == 0
            ? new Dictionary<string, StoredEvent>()
            : await relations.GetRedactionsAsync([.. found.Values.Select(e => e.EventId)], cancellationToken).ConfigureAwait(false);
        var state = new Dictionary<(string Type, string StateKey), Pdu>(found.Count);
        foreach (var (key, stored) in found)
        {
            var pdu = ToPdu(stored, version);
            state[(key.Type, key.Key)] = redacted.ContainsKey(stored.EventId) ? Pdu.Parse(Redaction.Redact(pdu.Json, version), version, pdu.EventId) : pdu;
        }

        return state;
    }

    /// <summary>One current-state event of a room, or null.</summary>
    public async Task<Pdu?> GetCurrentStateEventAsync(string roomId, string type, string stateKey, CancellationToken cancellationToken)
    {
        if (await GetRoomVersionAsync(roomId, cancellationToken).ConfigureAwait(false) is not { } version)
        {
            return null;
        }

        var state = await GetCurrentStateAsync(roomId, version, [new StateKey(type, stateKey)], cancellationToken).ConfigureAwait(false);
        return state.GetValueOrDefault((type, stateKey));
    }

    /// <summary>A user's membership of a room now ("join", "invite", "leave", "ban", "knock"), or null when they have none.</summary>
    public async Task<string?> GetMembershipAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        var member = await GetCurrentStateEventAsync(roomId, EventTypes.Member, userId, cancellationToken).ConfigureAwait(false);
        return member is null ? null : Protocol.Json.JsonNodeValues.GetString(member.Content, "membership");
    }
}
