using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;
using Ranvier.Server.Http;

namespace Ranvier.Server.Services.Rooms;

/// <summary>The presets of createRoom (spec: create_room.yaml, "preset").</summary>
public enum RoomPreset
{
    PrivateChat,
    TrustedPrivateChat,
    PublicChat,
}

/// <summary>A validated createRoom body. Every field is checked before anything is built, with the errcode the spec names.</summary>
public sealed record CreateRoomRequest
{
    public required RoomVersion Version { get; init; }

    public required RoomPreset Preset { get; init; }

    /// <summary>Whether the room goes into the published room directory.</summary>
    public bool PublishToDirectory { get; init; }

    public string? RoomAliasName { get; init; }

    public string? Name { get; init; }

    public string? Topic { get; init; }

    public IReadOnlyList<string> Invite { get; init; } = [];

    public bool IsDirect { get; init; }

    public JsonObject? CreationContent { get; init; }

    public JsonObject? PowerLevelOverride { get; init; }

    public IReadOnlyList<(string Type, string StateKey, JsonObject Content)> InitialState { get; init; } = [];

    /// <summary>True when name/topic in the request replace an initial_state entry (spec: "gets overridden by name and topic").</summary>
    public bool Overrides(string type, string stateKey) =>
        stateKey.Length == 0 && ((type == Protocol.Events.EventTypes.Name && Name is not null) || (type == Protocol.Events.EventTypes.Topic && Topic is not null));

    public static CreateRoomRequest Parse(JsonObject body, RoomVersion defaultVersion)
    {
        ArgumentNullException.ThrowIfNull(body);
        var visibility = JsonFields.OptionalString(body, "visibility") ?? "private";
        if (visibility is not ("public" or "private"))
        {
            throw MatrixError.InvalidParam("visibility must be \"public\" or \"private\".");
        }

        var preset = JsonFields.OptionalString(body, "preset") switch
        {
            null => visibility == "public" ? RoomPreset.PublicChat : RoomPreset.PrivateChat,
            "private_chat" => RoomPreset.PrivateChat,
            "trusted_private_chat" => RoomPreset.TrustedPrivateChat,
            "public_chat" => RoomPreset.PublicChat,
            var other => throw MatrixError.InvalidParam($"Unknown preset \"{other}\"."),
        };

        var versionId = JsonFields.OptionalString(body, "room_version");
        var version = versionId is null
            ? defaultVersion
            : RoomVersions.Find(versionId) ?? throw new MatrixError(400, "M_UNSUPPORTED_ROOM_VERSION", $"This server does not support room version \"{versionId}\".");

        return new CreateRoomRequest
        {
            Version = version,
            Preset = preset,
            PublishToDirectory = visibility == "public",
            RoomAliasName = JsonFields.OptionalString(body, "room_alias_name"),
            Name = JsonFields.OptionalString(body, "name"),
            Topic = JsonFields.OptionalString(body, "topic"),
            Invite = ParseInvite(body),
            IsDirect = JsonFields.OptionalBool(body, "is_direct"),
            CreationContent = JsonFields.OptionalObject(body, "creation_content"),
            PowerLevelOverride = JsonFields.OptionalObject(body, "power_level_content_override"),
            InitialState = ParseInitialState(body),
        }.CheckThirdPartyInvites(body);
    }

    private CreateRoomRequest CheckThirdPartyInvites(JsonObject body)
    {
        if (body["invite_3pid"] is JsonArray { Count: > 0 })
        {
            // Third-party invites need an identity server, which this server does not talk to.
            throw MatrixError.InvalidParam("invite_3pid is not supported: this server has no identity server.");
        }

        if (body.TryGetPropertyValue("invite_3pid", out var node) && node is not (null or JsonArray))
        {
            throw MatrixError.BadJson("invite_3pid must be an array.");
        }

        return this;
    }

    private static List<string> ParseInvite(JsonObject body)
    {
        if (!body.TryGetPropertyValue("invite", out var node) || node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw MatrixError.BadJson("invite must be an array of user IDs.");
        }

        var invite = new List<string>(array.Count);
        foreach (var item in array)
        {
            var text = JsonNodeValues.GetString(item);
            if (!UserId.TryParse(text, out _))
            {
                throw MatrixError.InvalidParam($"invite: {item?.ToJsonString() ?? "null"} is not a valid user ID.");
            }

            if (!invite.Contains(text))
            {
                invite.Add(text);
            }
        }

        return invite;
    }

    private static List<(string, string, JsonObject)> ParseInitialState(JsonObject body)
    {
        if (!body.TryGetPropertyValue("initial_state", out var node) || node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw MatrixError.BadJson("initial_state must be an array of state events.");
        }

        var state = new List<(string, string, JsonObject)>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject entry)
            {
                throw MatrixError.BadJson("initial_state entries must be objects.");
            }

            var type = JsonFields.RequiredString(entry, "type");
            var stateKey = JsonFields.OptionalString(entry, "state_key") ?? string.Empty;
            var content = JsonFields.OptionalObject(entry, "content") ?? throw MatrixError.BadJson("initial_state entries need a content object.");
            if (type == Protocol.Events.EventTypes.Create || type == Protocol.Events.EventTypes.Member)
            {
                throw MatrixError.InvalidParam($"initial_state cannot set {type}.");
            }

            state.RemoveAll(s => s.Item1 == type && s.Item2 == stateKey);
            state.Add((type, stateKey, content));
        }

        return state;
    }
}
