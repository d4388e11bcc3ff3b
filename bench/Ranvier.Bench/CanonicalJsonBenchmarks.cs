using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Ranvier.Protocol.Json;

namespace Ranvier.Bench;

/// <summary>Canonical JSON: writing (every hash and signature) and strict parsing (every federation body).</summary>
[MemoryDiagnoser]
public class CanonicalJsonBenchmarks
{
    private JsonObject _message = null!;
    private JsonObject _powerLevels = null!;
    private byte[] _messageBytes = null!;
    private byte[] _powerLevelsBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _message = SampleEvents.Message();
        _powerLevels = SampleEvents.PowerLevels(500);
        _messageBytes = Encoding.UTF8.GetBytes(_message.ToJsonString());
        _powerLevelsBytes = Encoding.UTF8.GetBytes(_powerLevels.ToJsonString());
    }

    [Benchmark]
    public byte[] Serialize_message() => CanonicalJson.Serialize(_message);

    [Benchmark]
    public byte[] Serialize_power_levels_500_users() => CanonicalJson.Serialize(_powerLevels);

    [Benchmark]
    public JsonObject Parse_message_strict() => StrictJsonParser.Parse(_messageBytes);

    [Benchmark]
    public JsonObject Parse_power_levels_strict() => StrictJsonParser.Parse(_powerLevelsBytes);
}
