using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Tests.Auth;

/// <summary>
/// Builds the events of one test room (made-up event IDs, no hashes) and keeps its current state, so a test
/// reads as "this room, then this event: allowed or rejected by rule N".
/// </summary>
internal sealed class TestRoom
{
    public const string Alice = "@alice:example.com";
    public const string Bob = "@bob:example.com";
    public const string Carol = "@carol:example.com";
    public const string Remote = "@mallory:remote.test";

    private readonly Dictionary<(string Type, string StateKey), Pdu> _state = [];
    private int _counter;

    private TestRoom(RoomVersion version) => Version = version;

    public RoomVersion Version { get; }

    public string RoomId { get; private set; } = "!room:example.com";

    public Pdu Create { get; private set; } = null!;

    public IAuthState State => new AuthState(_state);

    /// <summary>A room with only the create event (sender <paramref name="creator"/>).</summary>
    public static TestRoom Created(RoomVersion version, string creator = Alice, JsonObject? createContent = null)
    {
        var room = new TestRoom(version);
        var content = createContent ?? [];
        content["room_version"] ??= version.Id;
        if (!version.ImplicitRoomCreator)
        {
            content["creator"] ??= creator;
        }

        room.Create = room.Build(EventTypes.Create, creator, "", content, prevEvents: [], omitRoomId: version.RoomIdFromCreateEvent);
        if (version.RoomIdFromCreateEvent)
        {
            room.RoomId = "!" + room.Create.EventId[1..];
        }

        room.Set(room.Create);
        return room;
    }

    /// <summary>A room where Alice created, joined and set the join rule; Bob and others are joined as listed, with the given power levels (null: none).</summary>
    public static TestRoom WithMembers(RoomVersion version, string joinRule = "invite", JsonObject? powerLevels = null, params string[] joined)
    {
        var room = Created(version);
        room.Set(room.Member(Alice, Alice, "join"));
        if (powerLevels is not null)
        {
            room.Set(room.Build(EventTypes.PowerLevels, Alice, "", powerLevels));
        }

        room.Set(room.Build(EventTypes.JoinRules, Alice, "", new JsonObject { ["join_rule"] = joinRule }));
        foreach (var user in joined)
        {
            room.Set(room.Member(user, user, "join"));
        }

        return room;
    }

    /// <summary>Power levels where Alice has 100 (unless she is a v12 creator, who may not be listed) and the others as given.</summary>
    public JsonObject Levels(params (string User, int Level)[] users)
    {
        var map = new JsonObject();
        if (!Version.PrivilegedCreators)
        {
            map[Alice] = 100;
        }

        foreach (var (user, level) in users)
        {
            map[user] = level;
        }

        return new JsonObject { ["users"] = map };
    }

    public TestRoom Set(Pdu ev)
    {
        _state[(ev.Type, ev.StateKey!)] = ev;
        return this;
    }

    public Pdu Member(string target, string sender, string membership, JsonObject? extraContent = null, IReadOnlyList<string>? prevEvents = null)
    {
        var content = extraContent ?? [];
        content["membership"] = membership;
        return Build(EventTypes.Member, sender, target, content, prevEvents);
    }

    public Pdu StateEvent(string type, string sender, string stateKey, JsonObject? content = null) =>
        Build(type, sender, stateKey, content ?? []);

    public Pdu Message(string sender, string type = "m.room.message", JsonObject? content = null) =>
        Build(type, sender, null, content ?? new JsonObject { ["body"] = "hi" });

    public AuthResult Check(Pdu ev) => EventAuth.Check(Version, ev, State);

    /// <summary>
    /// Builds an event. v1/v2 event IDs carry <paramref name="idDomain"/> (default: the sender's server);
    /// later versions get opaque hash-like IDs. The sender's server has a (fake) signature, and so does the
    /// server of a join_authorised_via_users_server user.
    /// </summary>
    public Pdu Build(string type, string sender, string? stateKey, JsonObject content, IReadOnlyList<string>? prevEvents = null,
        bool omitRoomId = false, string? idDomain = null, JsonObject? extraTopLevel = null, IReadOnlyList<string>? authEvents = null)
    {
        _counter++;
        var senderDomain = IdentifierGrammar.Domain(sender)!;
        var senderLocal = sender[1..sender.IndexOf(':', StringComparison.Ordinal)];
        var eventId = Version.EventFormat == EventFormat.V1
            ? $"$e{_counter}{senderLocal}:{idDomain ?? senderDomain}"
            : $"$Ev{_counter}v{Version.Id}{senderLocal}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

        var signatures = new JsonObject { [senderDomain] = new JsonObject { ["ed25519:a"] = "sig" } };
        if (IdentifierGrammar.Domain(JsonNodeValues.GetString(content, "join_authorised_via_users_server")) is { } authoriserDomain)
        {
            signatures[authoriserDomain] = new JsonObject { ["ed25519:a"] = "sig" };
        }

        var extra = new JsonObject
        {
            ["signatures"] = signatures,
            ["hashes"] = new JsonObject { ["sha256"] = "none" },
        };
        foreach (var (key, value) in extraTopLevel ?? [])
        {
            extra[key] = value?.DeepClone();
        }

        return TestEvent.Build(Version, eventId, omitRoomId ? null : RoomId, sender, type, stateKey, content,
            prevEvents ?? (Create is null ? [] : [Create.EventId]), authEvents ?? [], 1_000 + _counter, _counter, extra);
    }
}
