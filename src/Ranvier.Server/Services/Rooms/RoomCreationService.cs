using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Configuration;
using Ranvier.Server.Http;
using Ranvier.Server.Services.Auth;
using Ranvier.Storage.UserData;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// POST /createRoom (spec: client-server API, "Creation"; create_room.yaml). The whole initial chain of events is
/// built and auth-checked in memory in the order the spec fixes, and persisted only when every event passes, so a
/// request that cannot succeed leaves no room behind.
/// </summary>
public sealed class RoomCreationService(
    RanvierOptions options,
    RoomEventPipeline pipeline,
    MemberContent memberContent,
    IUserDataStore userData,
    RoomAliasService aliases,
    RoomDirectoryService directory)
{
    /// <summary>Creates the room described by a createRoom body and returns its ID.</summary>
    public async Task<string> CreateAsync(RequestContext context, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = CreateRoomRequest.Parse(body, options.DefaultRoomVersion);
        await CheckInviteesAsync(request.Invite, cancellationToken).ConfigureAwait(false);
        var alias = await NewAliasAsync(request.RoomAliasName, cancellationToken).ConfigureAwait(false);

        var version = request.Version;
        var creator = context.UserId;
        var chain = new RoomChain(pipeline, version);
        chain.Start(pipeline.BuildCreate(version, RoomChain.NewRoomId(version, options.ServerName), creator, CreateContent(request, creator)));

        chain.Add(EventTypes.Member, creator, creator, await memberContent.BuildAsync(creator, Memberships.Join, null, false, cancellationToken).ConfigureAwait(false));
        chain.Add(EventTypes.PowerLevels, string.Empty, creator, PowerLevelsContent(request, creator));
        if (alias is not null)
        {
            chain.Add(EventTypes.CanonicalAlias, string.Empty, creator, new JsonObject { ["alias"] = alias });
        }

        foreach (var (type, stateKey, content) in PresetState(request))
        {
            chain.Add(type, stateKey, creator, content);
        }

        foreach (var (type, stateKey, content) in request.InitialState)
        {
            if (!(type == EventTypes.PowerLevels && stateKey.Length == 0) && !request.Overrides(type, stateKey))
            {
                chain.Add(type, stateKey, creator, content);
            }
        }

        if (request.Name is { } name)
        {
            chain.Add(EventTypes.Name, string.Empty, creator, new JsonObject { ["name"] = name });
        }

        if (request.Topic is { } topic)
        {
            chain.Add(EventTypes.Topic, string.Empty, creator, TopicContent(topic));
        }

        foreach (var invitee in request.Invite)
        {
            var content = await memberContent.BuildAsync(invitee, Memberships.Invite, null, request.IsDirect, cancellationToken).ConfigureAwait(false);
            chain.Add(EventTypes.Member, invitee, creator, content);
        }

        await PersistWithAliasAsync(version, chain.Events, alias, creator, cancellationToken).ConfigureAwait(false);
        if (request.PublishToDirectory)
        {
            await directory.PublishAsync(chain.Events[0].RoomId, cancellationToken).ConfigureAwait(false);
        }

        return chain.Events[0].RoomId;
    }

    /// <summary>
    /// The full alias for room_alias_name, checked before anything is built: 400 M_INVALID_PARAM when it makes no
    /// valid alias, 400 M_ROOM_IN_USE when it is taken (create_room.yaml).
    /// </summary>
    private async Task<string?> NewAliasAsync(string? localpart, CancellationToken cancellationToken)
    {
        if (localpart is null)
        {
            return null;
        }

        // As Synapse does: a localpart that is empty or holds ':' or whitespace would make an alias no one can type or share.
        if (localpart.Length == 0 || localpart.Any(c => c == ':' || char.IsWhiteSpace(c)))
        {
            throw MatrixError.InvalidParam("room_alias_name must be a non-empty alias localpart without ':' or whitespace.");
        }

        var alias = "#" + localpart + ":" + options.ServerName;
        RoomAliasService.Parse(alias);
        if (await aliases.ExistsAsync(alias, cancellationToken).ConfigureAwait(false))
        {
            throw AliasInUse(alias);
        }

        return alias;
    }

    /// <summary>Stores the alias first, so a concurrent createRoom cannot take it, and drops it again if the room cannot be persisted.</summary>
    private async Task PersistWithAliasAsync(RoomVersion version, IReadOnlyList<Pdu> events, string? alias, string creator, CancellationToken cancellationToken)
    {
        if (alias is not null && !await aliases.TryCreateAsync(alias, events[0].RoomId, creator, cancellationToken).ConfigureAwait(false))
        {
            throw AliasInUse(alias);
        }

        try
        {
            await pipeline.PersistNewRoomAsync(version, events, cancellationToken).ConfigureAwait(false);
        }
        catch when (alias is not null)
        {
            await aliases.ForgetAsync(alias, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static MatrixError AliasInUse(string alias) => new(400, "M_ROOM_IN_USE", $"The room alias {alias} is already taken.");

    /// <summary>Invitees must be users of this server that exist (rooms do not federate yet).</summary>
    private async Task CheckInviteesAsync(IReadOnlyList<string> invitees, CancellationToken cancellationToken)
    {
        foreach (var invitee in invitees)
        {
            if (UserId.Parse(invitee).Server.ToString() != options.ServerName)
            {
                throw MatrixError.Forbidden($"Cannot invite {invitee}: this server does not federate with other servers yet.");
            }

            if (await userData.GetProfileAsync(invitee, cancellationToken).ConfigureAwait(false) is null)
            {
                throw MatrixError.NotFound($"Cannot invite {invitee}: no such user.");
            }
        }
    }

    private static JsonObject CreateContent(CreateRoomRequest request, string creator)
    {
        var content = (JsonObject?)request.CreationContent?.DeepClone() ?? [];
        content["room_version"] = request.Version.Id;
        if (!request.Version.ImplicitRoomCreator)
        {
            content["creator"] = creator;
        }
        else
        {
            content.Remove("creator");
        }

        if (request.Version.PrivilegedCreators && request.Preset == RoomPreset.TrustedPrivateChat && request.Invite.Count > 0)
        {
            // v12: trusted_private_chat invitees become additional creators rather than power-100 users.
            var creators = new List<string>();
            if (content["additional_creators"] is JsonArray given)
            {
                creators.AddRange(given.Select(n => n?.GetValue<string>()).OfType<string>());
            }

            creators.AddRange(request.Invite);
            content["additional_creators"] = new JsonArray(creators.Distinct(StringComparer.Ordinal).Where(c => c != creator).Select(c => (JsonNode)c).ToArray());
        }

        return content;
    }

    /// <summary>The default power levels of a new room (the levels Synapse and Element expect), then the request's override.</summary>
    private static JsonObject PowerLevelsContent(CreateRoomRequest request, string creator)
    {
        var version = request.Version;
        var users = new JsonObject();
        if (!version.PrivilegedCreators)
        {
            users[creator] = 100;
            if (request.Preset == RoomPreset.TrustedPrivateChat)
            {
                foreach (var invitee in request.Invite)
                {
                    users[invitee] = 100;
                }
            }
        }

        var content = request.InitialState.FirstOrDefault(s => s.Type == EventTypes.PowerLevels && s.StateKey.Length == 0).Content?.DeepClone() as JsonObject
            ?? new JsonObject
            {
                ["users"] = users,
                ["users_default"] = 0,
                ["events"] = new JsonObject
                {
                    [EventTypes.Name] = 50,
                    [EventTypes.PowerLevels] = 100,
                    [EventTypes.HistoryVisibility] = 100,
                    [EventTypes.CanonicalAlias] = 50,
                    ["m.room.avatar"] = 50,
                    // v12: sending a tombstone must need more than state_default (spec: createRoom step 3).
                    [EventTypes.Tombstone] = version.PrivilegedCreators ? 150 : 100,
                    [EventTypes.ServerAcl] = 100,
                    [EventTypes.Encryption] = 100,
                },
                ["events_default"] = 0,
                ["state_default"] = 50,
                ["ban"] = 50,
                ["kick"] = 50,
                ["redact"] = 50,
                ["invite"] = 50,
                ["historical"] = 100,
            };

        if (request.PowerLevelOverride is { } overrides)
        {
            foreach (var (key, value) in overrides)
            {
                content[key] = value?.DeepClone();
            }
        }

        return content;
    }

    /// <summary>The join rules, history visibility and guest access the preset implies (spec: createRoom preset table), unless initial_state sets them.</summary>
    private static IEnumerable<(string Type, string StateKey, JsonObject Content)> PresetState(CreateRoomRequest request)
    {
        var isPublic = request.Preset == RoomPreset.PublicChat;
        (string Type, string StateKey, JsonObject Content)[] preset =
        [
            (EventTypes.JoinRules, string.Empty, new JsonObject { ["join_rule"] = isPublic ? "public" : "invite" }),
            (EventTypes.HistoryVisibility, string.Empty, new JsonObject { ["history_visibility"] = "shared" }),
            (EventTypes.GuestAccess, string.Empty, new JsonObject { ["guest_access"] = isPublic ? "forbidden" : "can_join" }),
        ];
        foreach (var entry in preset)
        {
            var given = request.InitialState.FirstOrDefault(s => s.Type == entry.Type && s.StateKey == entry.StateKey);
            yield return given.Content is null ? entry : given;
        }
    }

    /// <summary>Topic content with the plain-text m.topic block (spec: m.room.topic, v1.15).</summary>
    internal static JsonObject TopicContent(string topic) => new()
    {
        ["topic"] = topic,
        ["m.topic"] = new JsonObject
        {
            ["m.text"] = new JsonArray(new JsonObject { ["mimetype"] = "text/plain", ["body"] = topic }),
        },
    };
}
