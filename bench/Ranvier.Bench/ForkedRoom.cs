using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;

namespace Ranvier.Bench;

/// <summary>
/// A large room that splits into two forks, the shape a server sees when it rejoins a busy room after a
/// netsplit: a shared history (create, power levels, join rule, <c>members</c> joins), then on each fork every
/// member changes their display name and the admin changes power levels every <c>powerChangeEvery</c> events
/// and kicks a few members. The power levels list the first <c>listedUsers</c> members (bots, bridges and
/// moderators fill the <c>users</c> map of real rooms), so reading them costs what it does in practice. The two fork heads' states conflict on thousands of keys. Event IDs are made up
/// (<c>$e123</c>, never hashed) and auth events are selected as the server-server API says.
/// </summary>
internal sealed class ForkedRoom : IEventSource
{
    public const string Admin = "@admin:example.org";

    private readonly Dictionary<string, Pdu> _events = new(StringComparer.Ordinal);
    private readonly List<(string User, int Level)> _listed;
    private long _counter;

    public ForkedRoom(RoomVersion version, int members, int powerChangeEvery = 50, int listedUsers = 100)
    {
        Version = version;
        RoomId = "!room:example.org";
        var shared = new Dictionary<StateKey, string>();
        var createContent = version.ImplicitRoomCreator ? new JsonObject() : new JsonObject { ["creator"] = Admin };
        var create = Add(shared, Admin, EventTypes.Create, "", createContent);
        if (version.RoomIdFromCreateEvent)
        {
            RoomId = "!" + create.EventId[1..];
        }

        Add(shared, Admin, EventTypes.Member, Admin, Membership("join"));
        _listed = Enumerable.Range(0, Math.Min(listedUsers, members)).Select(i => (User(i), 10)).ToList();
        Add(shared, Admin, EventTypes.PowerLevels, "", Levels(version, _listed));
        Add(shared, Admin, EventTypes.JoinRules, "", new JsonObject { ["join_rule"] = "public" });
        for (var i = 0; i < members; i++)
        {
            Add(shared, User(i), EventTypes.Member, User(i), Membership("join"));
        }

        ForkA = Fork(shared, "a", members, powerChangeEvery);
        ForkB = Fork(shared, "b", members, powerChangeEvery);
    }

    public RoomVersion Version { get; }

    public string RoomId { get; }

    public IReadOnlyDictionary<StateKey, string> ForkA { get; }

    public IReadOnlyDictionary<StateKey, string> ForkB { get; }

    public int EventCount => _events.Count;

    /// <summary>The state the fork heads hold, as (type, state key) → event.</summary>
    public AuthState AuthStateOf(IReadOnlyDictionary<StateKey, string> state) =>
        new(state.ToDictionary(p => (p.Key.Type, p.Key.Key), p => _events[p.Value]));

    public Pdu? Find(string eventId) => _events.GetValueOrDefault(eventId);

    public static string User(int i) => $"@user{i}:server{i % 13}.example.org";

    /// <summary>An event that is not added to the room, for auth-check benchmarks.</summary>
    public Pdu Build(IReadOnlyDictionary<StateKey, string> state, string sender, string type, string? stateKey, JsonObject content) =>
        Make(state, sender, type, stateKey, content, register: false);

    public static JsonObject Levels(RoomVersion version, IEnumerable<(string User, int Level)> users)
    {
        var map = new JsonObject();
        if (!version.PrivilegedCreators)
        {
            map[Admin] = 100;
        }

        foreach (var (user, level) in users)
        {
            map[user] = level;
        }

        return new JsonObject { ["users"] = map, ["state_default"] = 50, ["events_default"] = 0 };
    }

    private static JsonObject Membership(string membership, string? name = null)
    {
        var content = new JsonObject { ["membership"] = membership };
        if (name is not null)
        {
            content["displayname"] = name;
        }

        return content;
    }

    private Dictionary<StateKey, string> Fork(Dictionary<StateKey, string> shared, string fork, int members, int powerChangeEvery)
    {
        var state = new Dictionary<StateKey, string>(shared);
        var moderators = new List<(string User, int Level)>(_listed);
        for (var i = 0; i < members; i++)
        {
            if (i % powerChangeEvery == 0)
            {
                moderators.RemoveAll(m => m.User == User(i));
                moderators.Add((User(i), fork == "a" ? 50 : 60));
                Add(state, Admin, EventTypes.PowerLevels, "", Levels(Version, moderators));
            }

            if (i % 97 == 5)
            {
                Add(state, Admin, EventTypes.Member, User(i), Membership("leave"));
            }
            else
            {
                Add(state, User(i), EventTypes.Member, User(i), Membership("join", $"{fork} {i}"));
            }

            if (i % 200 == 7)
            {
                Add(state, Admin, EventTypes.Topic, "", new JsonObject { ["topic"] = $"{fork} {i}" });
            }
        }

        return state;
    }

    private Pdu Add(Dictionary<StateKey, string> state, string sender, string type, string stateKey, JsonObject content)
    {
        var pdu = Make(state, sender, type, stateKey, content, register: true);
        state[new StateKey(type, stateKey)] = pdu.EventId;
        return pdu;
    }

    private Pdu Make(IReadOnlyDictionary<StateKey, string> state, string sender, string type, string? stateKey, JsonObject content, bool register)
    {
        var id = "$e" + ++_counter;
        var authEvents = AuthEventSelection.Select(Version, type, sender, stateKey, content)
            .Select(k => state.GetValueOrDefault(new StateKey(k.Type, k.StateKey)))
            .OfType<string>()
            .ToArray();
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["content"] = content,
            ["origin_server_ts"] = 1_700_000_000_000 + _counter,
            ["depth"] = _counter,
            ["prev_events"] = new JsonArray(),
            ["auth_events"] = new JsonArray(authEvents.Select(a => (JsonNode)(Version.EventFormat == EventFormat.V1 ? new JsonArray(a, new JsonObject()) : JsonValue.Create(a))).ToArray()),
        };
        if (!(Version.RoomIdFromCreateEvent && type == EventTypes.Create))
        {
            json["room_id"] = RoomId;
        }

        if (stateKey is not null)
        {
            json["state_key"] = stateKey;
        }

        if (Version.EventFormat == EventFormat.V1)
        {
            id += ":example.org";
            json["event_id"] = id;
        }

        var pdu = Pdu.Parse(json, Version, id);
        if (register)
        {
            _events[id] = pdu;
        }

        return pdu;
    }
}
