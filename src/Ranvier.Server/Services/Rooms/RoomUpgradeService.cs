using System.Globalization;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// POST /rooms/{roomId}/upgrade (spec: client-server API, "Room Upgrades", server behaviour steps 1–6). The
/// replacement room is built and checked in memory like a created room (<see cref="RoomChain"/>) and persisted
/// whole before the old room is touched, so a failed upgrade leaves the old room as it was.
/// </summary>
public sealed partial class RoomUpgradeService(
    RanvierOptions options,
    RoomEventPipeline pipeline,
    RoomEventReader reader,
    MembershipService membership,
    MemberContent memberContent,
    IRoomDirectoryStore directory,
    ILogger<RoomUpgradeService> logger)
{
    /// <summary>The state copied into the replacement room (spec step 3's list, power levels aside).</summary>
    public static readonly IReadOnlyList<string> TransferredStateTypes =
    [
        EventTypes.JoinRules, EventTypes.HistoryVisibility, EventTypes.GuestAccess, EventTypes.Name, EventTypes.Topic,
        "m.room.avatar", EventTypes.Encryption, EventTypes.ServerAcl,
    ];

    /// <summary>The power-level keys whose values are levels; in rooms before v10 they may be numeric strings.</summary>
    private static readonly string[] LevelKeys = ["ban", "kick", "redact", "invite", "events_default", "state_default", "users_default", "historical"];

    /// <summary>Upgrades the room and returns the replacement room's ID.</summary>
    public async Task<string> UpgradeAsync(RequestContext context, string roomId, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var versionId = JsonFields.RequiredString(body, "new_version");
        var newVersion = RoomVersions.Find(versionId)
            ?? throw new MatrixError(400, "M_UNSUPPORTED_ROOM_VERSION", $"This server does not support room version \"{versionId}\".");
        var additionalCreators = ParseAdditionalCreators(body, context.UserId);
        var oldVersion = await membership.RequireKnownRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        var upgrader = context.UserId;

        var state = await ReadStateAsync(roomId, oldVersion, cancellationToken).ConfigureAwait(false);
        var oldLevels = PowerLevels.FromState(oldVersion, new AuthState(state));

        // 1. The upgrader must be able to send m.room.tombstone in the old room.
        if (MembershipOf(state, upgrader) != Memberships.Join || !oldLevels.CanSend(upgrader, EventTypes.Tombstone, isState: true))
        {
            throw MatrixError.Forbidden("You are not allowed to upgrade this room.");
        }

        // 2.–3. The replacement room, with the transferable state.
        var events = await BuildReplacementAsync(roomId, oldVersion, newVersion, upgrader, additionalCreators, state, cancellationToken).ConfigureAwait(false);
        await pipeline.PersistNewRoomAsync(newVersion, events, cancellationToken).ConfigureAwait(false);
        var newRoomId = events[0].RoomId;

        // 4. Local aliases move to the replacement room.
        await MoveLocalAliasesAsync(roomId, newRoomId, upgrader, state, cancellationToken).ConfigureAwait(false);

        // 5. The tombstone in the old room.
        var tombstone = new JsonObject { ["body"] = "This room has been replaced", ["replacement_room"] = newRoomId };
        await pipeline.SendAsync(new EventDraft(roomId, EventTypes.Tombstone, string.Empty, upgrader, tombstone), cancellationToken).ConfigureAwait(false);

        // 6. The old room's power levels stop ordinary members from sending and inviting.
        await RestrictOldRoomAsync(roomId, upgrader, state, oldLevels, cancellationToken).ConfigureAwait(false);
        return newRoomId;
    }

    /// <summary>
    /// Spec step 4, "Moves any local aliases to the new room": every alias of the old room now names the new one, the
    /// old room's m.room.canonical_alias moves to the new room (and is cleared in the old one), and a room published
    /// in the directory is replaced there by its successor. Refusals of the canonical-alias events are logged; the
    /// aliases themselves always move.
    /// </summary>
    private async Task MoveLocalAliasesAsync(
        string oldRoomId, string newRoomId, string upgrader, Dictionary<(string Type, string StateKey), Pdu> state, CancellationToken cancellationToken)
    {
        foreach (var alias in await directory.GetAliasesForRoomAsync(oldRoomId, cancellationToken).ConfigureAwait(false))
        {
            var record = await directory.GetAliasAsync(alias, cancellationToken).ConfigureAwait(false);
            if (record is not null && await directory.DeleteAliasAsync(alias, cancellationToken).ConfigureAwait(false))
            {
                await directory.CreateAliasAsync(record with { RoomId = newRoomId }, cancellationToken).ConfigureAwait(false);
            }
        }

        if (await directory.IsPublishedAsync(oldRoomId, cancellationToken).ConfigureAwait(false))
        {
            await directory.SetPublishedAsync(newRoomId, true, cancellationToken).ConfigureAwait(false);
            await directory.SetPublishedAsync(oldRoomId, false, cancellationToken).ConfigureAwait(false);
        }

        if (state.TryGetValue((EventTypes.CanonicalAlias, string.Empty), out var canonical) && canonical.Content.Count > 0)
        {
            await TrySendAsync(new EventDraft(newRoomId, EventTypes.CanonicalAlias, string.Empty, upgrader, (JsonObject)canonical.Content.DeepClone()), cancellationToken).ConfigureAwait(false);
            await TrySendAsync(new EventDraft(oldRoomId, EventTypes.CanonicalAlias, string.Empty, upgrader, []), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TrySendAsync(EventDraft draft, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.SendAsync(draft, cancellationToken).ConfigureAwait(false);
        }
        catch (MatrixError e)
        {
            LogAliasEventRefused(logger, draft.RoomId, e.Message);
        }
    }

    private async Task<IReadOnlyList<Pdu>> BuildReplacementAsync(
        string oldRoomId, RoomVersion oldVersion, RoomVersion newVersion, string upgrader, IReadOnlyList<string> additionalCreators,
        Dictionary<(string Type, string StateKey), Pdu> state, CancellationToken cancellationToken)
    {
        var oldCreate = state[(EventTypes.Create, string.Empty)];
        var chain = new RoomChain(pipeline, newVersion);
        var createContent = await CreateContentAsync(oldRoomId, oldCreate, newVersion, upgrader, additionalCreators, cancellationToken).ConfigureAwait(false);
        chain.Start(pipeline.BuildCreate(newVersion, RoomChain.NewRoomId(newVersion, options.ServerName), upgrader, createContent));
        var newRoomId = chain.Events[0].RoomId;
        var newCreators = RoomCreators.FromCreateEvent(newVersion, chain.Events[0]);
        chain.Add(EventTypes.Member, upgrader, upgrader, await memberContent.BuildAsync(upgrader, Memberships.Join, null, false, cancellationToken).ConfigureAwait(false));

        var transferred = TransferredStateTypes.Where(t => state.ContainsKey((t, string.Empty))).ToList();
        var bans = state.Values.Where(e => e.Type == EventTypes.Member && e.StateKey is { } target
            && JsonNodeValues.GetString(e.Content, "membership") == Memberships.Ban && !newCreators.Contains(target)).ToList();

        // The copied power levels, with the upgrader raised while the rest of the state is sent where that is needed.
        JsonObject? finalLevels = null;
        if (state.TryGetValue((EventTypes.PowerLevels, string.Empty), out var oldLevelsEvent))
        {
            finalLevels = CopyPowerLevels(oldLevelsEvent.Content, oldVersion, newVersion, RoomCreators.FromCreateEvent(oldVersion, oldCreate), newCreators);
            var levels = PowerLevels.TryParse(newVersion, finalLevels, newCreators, out _)
                ?? throw new MatrixError(400, "M_INVALID_ROOM_STATE", "The room's power levels cannot be carried into the new room version.");
            var needed = transferred.Select(t => levels.EventLevel(t, isState: true)).Append(levels.EventLevel(EventTypes.PowerLevels, isState: true))
                .Concat(bans.Select(b => Math.Max(levels.Ban, levels.UserLevel(b.StateKey!) + 1))).Max();
            if (levels.UserLevel(upgrader) < needed)
            {
                var raised = (JsonObject)finalLevels.DeepClone();
                ((JsonObject)raised["users"]!)[upgrader] = needed;
                chain.Add(EventTypes.PowerLevels, string.Empty, upgrader, raised);
            }
            else
            {
                chain.Add(EventTypes.PowerLevels, string.Empty, upgrader, finalLevels);
                finalLevels = null;
            }
        }

        foreach (var type in transferred)
        {
            chain.Add(type, string.Empty, upgrader, TransferredContent(state[(type, string.Empty)].Content, oldRoomId, newRoomId));
        }

        foreach (var ban in bans)
        {
            var content = new JsonObject { ["membership"] = Memberships.Ban };
            if (ban.Content["reason"] is JsonValue reason)
            {
                content["reason"] = reason.DeepClone();
            }

            chain.Add(EventTypes.Member, ban.StateKey!, upgrader, content);
        }

        if (finalLevels is not null)
        {
            // Restores the upgrader's own level, raised above for the copy.
            chain.Add(EventTypes.PowerLevels, string.Empty, upgrader, finalLevels);
        }

        return chain.Events;
    }

    /// <summary>
    /// The replacement's create content (spec step 2): room_version, predecessor, the old room's type and a false
    /// m.federate; creator before v11; additional_creators from the request where the new version has them.
    /// </summary>
    private async Task<JsonObject> CreateContentAsync(
        string oldRoomId, Pdu oldCreate, RoomVersion newVersion, string upgrader, IReadOnlyList<string> additionalCreators, CancellationToken cancellationToken)
    {
        var predecessor = new JsonObject { ["room_id"] = oldRoomId };
        if (!newVersion.PrivilegedCreators)
        {
            // Before v12, predecessor names "the last known event in the old room" (v1.16: optional from v12).
            var extremities = await reader.Store.GetForwardExtremitiesAsync(oldRoomId, cancellationToken).ConfigureAwait(false);
            var last = (await reader.Store.GetEventsByIdAsync(extremities, cancellationToken).ConfigureAwait(false))
                .OrderByDescending(e => e.Depth).ThenBy(e => e.EventId, StringComparer.Ordinal).First();
            predecessor["event_id"] = last.EventId;
        }

        var content = new JsonObject { ["room_version"] = newVersion.Id, ["predecessor"] = predecessor };
        if (oldCreate.Content["type"] is JsonValue type)
        {
            content["type"] = type.DeepClone();
        }

        if (oldCreate.Content["m.federate"] is JsonValue federate && federate.TryGetValue(out bool federates) && !federates)
        {
            content["m.federate"] = false;
        }

        if (!newVersion.ImplicitRoomCreator)
        {
            content["creator"] = upgrader;
        }

        if (newVersion.PrivilegedCreators && additionalCreators.Count > 0)
        {
            content["additional_creators"] = new JsonArray(additionalCreators.Select(c => (JsonNode)c).ToArray());
        }

        return content;
    }

    /// <summary>
    /// The old room's power levels for the new room: levels as integers (v10+ requires them); v12 creators taken
    /// out of <c>users</c> (they may not be listed); creators of an old v12 room who lose infinite power kept at 100.
    /// </summary>
    private static JsonObject CopyPowerLevels(JsonObject old, RoomVersion oldVersion, RoomVersion newVersion, RoomCreators oldCreators, RoomCreators newCreators)
    {
        var content = (JsonObject)old.DeepClone();
        foreach (var key in LevelKeys)
        {
            content[key] = AsInteger(content[key]);
        }

        foreach (var map in (ReadOnlySpan<string>)["events", "notifications"])
        {
            if (content[map] is JsonObject entries)
            {
                foreach (var name in entries.Select(e => e.Key).ToList())
                {
                    entries[name] = AsInteger(entries[name]);
                }
            }
        }

        if (content["users"] is not JsonObject users)
        {
            users = [];
            content["users"] = users;
        }

        foreach (var name in users.Select(e => e.Key).ToList())
        {
            users[name] = AsInteger(users[name]);
        }

        if (oldVersion.PrivilegedCreators && !newVersion.PrivilegedCreators)
        {
            foreach (var creator in oldCreators.UserIds.Where(c => !users.ContainsKey(c)))
            {
                users[creator] = PowerLevels.ImplicitCreatorLevel;
            }
        }

        if (newCreators.HaveInfinitePower)
        {
            foreach (var creator in newCreators.UserIds)
            {
                users.Remove(creator);
            }
        }

        return content;
    }

    /// <summary>A level as an integer node: numeric strings (allowed before v10) become numbers; anything else is kept.</summary>
    private static JsonNode? AsInteger(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) && long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level)
            ? JsonValue.Create(level)
            : node?.DeepClone();

    /// <summary>A transferred state event's content; allow-list entries naming the old room name the new one (restricted rooms).</summary>
    private static JsonObject TransferredContent(JsonObject content, string oldRoomId, string newRoomId)
    {
        var copy = (JsonObject)content.DeepClone();
        if (copy["allow"] is JsonArray allow)
        {
            foreach (var entry in allow.OfType<JsonObject>().Where(e => JsonNodeValues.GetString(e, "room_id") == oldRoomId))
            {
                entry["room_id"] = newRoomId;
            }
        }

        return copy;
    }

    /// <summary>Spec step 6: events_default and invite become at least max(50, users_default + 1). Skipped (and logged) when the auth rules refuse.</summary>
    private async Task RestrictOldRoomAsync(
        string roomId, string upgrader, Dictionary<(string Type, string StateKey), Pdu> state, PowerLevels levels, CancellationToken cancellationToken)
    {
        if (!state.TryGetValue((EventTypes.PowerLevels, string.Empty), out var current))
        {
            return;
        }

        var restricted = Math.Max(50, levels.UsersDefault + 1);
        if (levels.EventsDefault >= restricted && levels.Invite >= restricted)
        {
            return;
        }

        var content = (JsonObject)current.Content.DeepClone();
        content["events_default"] = Math.Max(levels.EventsDefault, restricted);
        content["invite"] = Math.Max(levels.Invite, restricted);
        try
        {
            await pipeline.SendAsync(new EventDraft(roomId, EventTypes.PowerLevels, string.Empty, upgrader, content), cancellationToken).ConfigureAwait(false);
        }
        catch (MatrixError e)
        {
            LogNotRestricted(logger, roomId, e.Message);
        }
    }

    private async Task<Dictionary<(string Type, string StateKey), Pdu>> ReadStateAsync(string roomId, RoomVersion version, CancellationToken cancellationToken)
    {
        var events = await reader.Store.GetCurrentStateEventsOfTypeAsync(roomId, null, cancellationToken).ConfigureAwait(false);
        return events.Select(e => RoomEventReader.ToPdu(e, version)).ToDictionary(e => (e.Type, e.StateKey!));
    }

    private static string? MembershipOf(Dictionary<(string Type, string StateKey), Pdu> state, string userId) =>
        state.TryGetValue((EventTypes.Member, userId), out var member) ? JsonNodeValues.GetString(member.Content, "membership") : null;

    /// <summary>additional_creators (v1.16): an array of valid user IDs; the upgrader is a creator anyway and is left out.</summary>
    private static List<string> ParseAdditionalCreators(JsonObject body, string upgrader)
    {
        if (!body.TryGetPropertyValue("additional_creators", out var node) || node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw MatrixError.BadJson("additional_creators must be an array of user IDs.");
        }

        var creators = new List<string>(array.Count);
        foreach (var item in array)
        {
            var text = JsonNodeValues.GetString(item);
            if (!UserId.TryParse(text, out _))
            {
                throw MatrixError.InvalidParam($"additional_creators: {item?.ToJsonString() ?? "null"} is not a valid user ID.");
            }

            if (text != upgrader && !creators.Contains(text))
            {
                creators.Add(text);
            }
        }

        return creators;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not move the canonical alias of upgraded room {RoomId}: {Reason}")]
    private static partial void LogAliasEventRefused(ILogger logger, string roomId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not restrict the power levels of upgraded room {RoomId}: {Reason}")]
    private static partial void LogNotRestricted(ILogger logger, string roomId, string reason);
}
