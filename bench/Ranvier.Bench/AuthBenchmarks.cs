using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Ranvier.Protocol.Auth;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Bench;

/// <summary>
/// The authorization rules against the state of a room with 1,000 members and a power-levels event listing
/// 20 users: each incoming event is checked against its auth events and again against the current state.
/// </summary>
[MemoryDiagnoser]
public class AuthBenchmarks
{
    private RoomVersion _version = null!;
    private AuthState _state = null!;
    private Pdu _message = null!;
    private Pdu _join = null!;
    private Pdu _powerLevels = null!;
    private Pdu _kick = null!;

    [GlobalSetup]
    public void Setup()
    {
        var room = new ForkedRoom(RoomVersions.V12, 1000);
        _version = room.Version;
        _state = room.AuthStateOf(room.ForkA);
        var user = ForkedRoom.User(1);
        _message = room.Build(room.ForkA, user, "m.room.message", null, new JsonObject { ["body"] = "hello" });
        _join = room.Build(room.ForkA, "@newcomer:example.org", EventTypes.Member, "@newcomer:example.org", new JsonObject { ["membership"] = "join" });
        _powerLevels = room.Build(room.ForkA, ForkedRoom.Admin, EventTypes.PowerLevels, "", ForkedRoom.Levels(_version, [(user, 50)]));
        _kick = room.Build(room.ForkA, ForkedRoom.Admin, EventTypes.Member, ForkedRoom.User(2), new JsonObject { ["membership"] = "leave" });
        if (!Check_message() || !Check_join() || !Check_power_levels_change() || !Check_kick())
        {
            throw new InvalidOperationException("A benchmark event is rejected; the figures would measure the wrong path.");
        }
    }

    [Benchmark]
    public bool Check_message() => EventAuth.Check(_version, _message, _state).Allowed;

    [Benchmark]
    public bool Check_join() => EventAuth.Check(_version, _join, _state).Allowed;

    [Benchmark]
    public bool Check_power_levels_change() => EventAuth.Check(_version, _powerLevels, _state).Allowed;

    [Benchmark]
    public bool Check_kick() => EventAuth.Check(_version, _kick, _state).Allowed;
}
