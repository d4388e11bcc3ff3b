using System.Text.Json.Nodes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;

namespace Ranvier.Protocol.Tests.StateResolution;

/// <summary>
/// A small room DAG for tests: events get short made-up IDs (<c>$NAME</c>, never hashed), increasing
/// timestamps, and, unless given, auth events selected from the state before them, which is itself computed by
/// resolving the states after their prev events.
/// </summary>
internal sealed class RoomDag : IEventSource
{
    public const string Alice = "@alice:example.com";
    public const string Bob = "@bob:example.com";
    public const string Charlie = "@charlie:example.com";
    public const string Evelyn = "@evelyn:example.com";
    public const string Zara = "@zara:example.com";

    private readonly Dictionary<string, Pdu> events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<StateKey, string>> stateAfter = new(StringComparer.Ordinal);
    private readonly HashSet<string> rejected = new(StringComparer.Ordinal);
    private long clock;

    public RoomDag(RoomVersion version, IStateResolutionAuth? auth = null)
    {
        Version = version;
        Auth = auth ?? SpecAuthRules.Instance;
        RoomId = version.RoomIdFromCreateEvent ? "!CREATE" : "!room:example.com";
    }

    public RoomVersion Version { get; }

    public IStateResolutionAuth Auth { get; }

    public string RoomId { get; }

    public Pdu? Find(string eventId) => events.GetValueOrDefault(eventId);

    public bool IsRejected(string eventId) => rejected.Contains(eventId);

    public Pdu this[string name] => events[Id(name)];

    public static string Id(string name) => "$" + name;

    public void Reject(string name) => rejected.Add(Id(name));

    /// <summary>Adds an event. <paramref name="auth"/> (names) overrides the auth events picked from the state before it.</summary>
    public Pdu Add(string name, string sender, string type, string? stateKey, JsonObject content, string[] prev,
        string[]? auth = null, long? ts = null)
    {
        var id = Id(name);
        if (Version.PrivilegedCreators && type == EventTypes.PowerLevels && content["users"] is JsonObject listed)
        {
            // v12 creators (Alice here) have infinite power and may not be listed, so scenarios written for
            // every version leave her entry out there.
            listed.Remove(Alice);
        }

        var prevIds = prev.Select(Id).ToArray();
        var before = StateBefore(prevIds);
        var authIds = auth?.Select(Id).ToArray() ?? SelectAuthEvents(before, type, stateKey, sender, content);
        var depth = prevIds.Length == 0 ? 1 : prevIds.Max(p => events[p].Depth) + 1;
        var roomId = Version.RoomIdFromCreateEvent && type == EventTypes.Create ? null : RoomId;
        var pdu = TestEvent.Build(Version, id, roomId, sender, type, stateKey, content, prevIds, authIds, ts ?? ++clock, depth);
        events[id] = pdu;
        var after = new Dictionary<StateKey, string>(before);
        if (stateKey is not null)
        {
            after[new StateKey(type, stateKey)] = id;
        }

        stateAfter[id] = after;
        return pdu;
    }

    public Pdu State(string name, string sender, string type, string stateKey, JsonObject content, params string[] prev) =>
        Add(name, sender, type, stateKey, content, prev);

    public Pdu Member(string name, string sender, string target, string membership, params string[] prev) =>
        Add(name, sender, EventTypes.Member, target, new JsonObject { ["membership"] = membership }, prev);

    public Pdu PowerLevels(string name, string sender, JsonObject users, params string[] prev) =>
        Add(name, sender, EventTypes.PowerLevels, "", new JsonObject { ["users"] = users }, prev);

    public Pdu Topic(string name, string sender, params string[] prev) =>
        Add(name, sender, EventTypes.Topic, "", new JsonObject { ["topic"] = name }, prev);

    public Pdu JoinRules(string name, string sender, string rule, params string[] prev) =>
        Add(name, sender, EventTypes.JoinRules, "", new JsonObject { ["join_rule"] = rule }, prev);

    public Pdu Message(string name, string sender, params string[] prev) =>
        Add(name, sender, "m.room.message", null, [], prev);

    /// <summary>
    /// CREATE, IMA (Alice joins), IPOWER (Alice 100), IJR (public), IMB, IMC, IMZ (Bob, Charlie, Zara join),
    /// in one line; the last is IMZ.
    /// </summary>
    public RoomDag WithInitialRoom()
    {
        var createContent = Version.ImplicitRoomCreator ? new JsonObject() : new JsonObject { ["creator"] = Alice };
        Add("CREATE", Alice, EventTypes.Create, "", createContent, []);
        Member("IMA", Alice, Alice, "join", "CREATE");
        PowerLevels("IPOWER", Alice, Users((Alice, 100)), "IMA");
        JoinRules("IJR", Alice, "public", "IPOWER");
        Member("IMB", Bob, Bob, "join", "IJR");
        Member("IMC", Charlie, Charlie, "join", "IMB");
        Member("IMZ", Zara, Zara, "join", "IMC");
        return this;
    }

    public IReadOnlyDictionary<StateKey, string> StateAfter(string name) => stateAfter[Id(name)];

    /// <summary>The state an event with these prev events would see (by name).</summary>
    public Dictionary<StateKey, string> Resolve(params string[] prev) => StateBefore(prev.Select(Id).ToArray());

    public Dictionary<StateKey, string> ResolveSets(params IReadOnlyDictionary<StateKey, string>[] sets) =>
        StateResolver.Resolve(Version, sets, this, Auth);

    public static JsonObject Users(params (string User, int Level)[] levels)
    {
        var users = new JsonObject();
        foreach (var (user, level) in levels)
        {
            users[user] = level;
        }

        return users;
    }

    private Dictionary<StateKey, string> StateBefore(string[] prevIds) => prevIds.Length switch
    {
        0 => [],
        1 => new Dictionary<StateKey, string>(stateAfter[prevIds[0]]),
        _ => StateResolver.Resolve(Version, prevIds.Select(p => (IReadOnlyDictionary<StateKey, string>)stateAfter[p]).ToList(), this, Auth),
    };

    // The auth events selection of the server-server API, from the state before the event.
    private string[] SelectAuthEvents(Dictionary<StateKey, string> before, string type, string? stateKey, string sender, JsonObject content) =>
        AuthEventSelection.Select(Version, type, sender, stateKey, content)
            .Select(pair => before.GetValueOrDefault(new StateKey(pair.Type, pair.StateKey)))
            .OfType<string>()
            .ToArray();
}
