using BenchmarkDotNet.Attributes;
using Ranvier.Protocol.Rooms;
using Ranvier.Protocol.StateResolution;

namespace Ranvier.Bench;

/// <summary>
/// State resolution of two forks of a large room (see <see cref="ForkedRoom"/>): what a server does when it
/// rejoins a busy room. With 1,000 members each fork changes every member's display name, so the heads conflict
/// on about 1,000 member keys (2,000+ conflicted events), plus power-level and topic changes.
/// </summary>
[MemoryDiagnoser]
public class StateResolutionBenchmarks
{
    private ForkedRoom _room = null!;

    [Params("10", "12")]
    public string Version { get; set; } = "12";

    [Params(1000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _room = new ForkedRoom(RoomVersions.Find(Version)!, Members);
        var resolved = StateResolver.Resolve(_room.Version, [_room.ForkA, _room.ForkB], _room);
        var fromA = resolved.Count(p => _room.ForkA[p.Key] == p.Value);
        Console.WriteLine($"// {_room.EventCount} events, {resolved.Count} resolved keys, {fromA} from fork A");
        if (resolved.Count < Members)
        {
            throw new InvalidOperationException("The forks did not resolve to a full room state.");
        }
    }

    [Benchmark]
    public int Resolve_two_forks() => StateResolver.Resolve(_room.Version, [_room.ForkA, _room.ForkB], _room).Count;
}
