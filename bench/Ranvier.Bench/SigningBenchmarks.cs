using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Bench;

/// <summary>Event signing and verification (the hot path of federation joins) and event hashing.</summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private JsonObject _signed = null!;
    private RoomVersion _version = null!;

    [GlobalSetup]
    public void Setup()
    {
        _version = RoomVersions.V12;
        _signed = SampleEvents.Message();
    }

    [Benchmark]
    public void Hash_and_sign_event() => EventSigning.HashAndSign((JsonObject)_signed.DeepClone(), _version, "example.org", SampleEvents.Key);

    [Benchmark]
    public SignatureCheck Verify_event_signature() =>
        EventSigning.Verify(_signed, _version, "example.org", SampleEvents.Key.KeyId, SampleEvents.Key.PublicKey.Span);

    [Benchmark]
    public ContentHashCheck Check_content_hash() => EventHashing.CheckContentHash(_signed, _version);

    [Benchmark]
    public string? Compute_event_id() => EventHashing.GetEventId(_signed, _version);

    [Benchmark]
    public JsonObject Redact() => Redaction.Redact(_signed, _version);
}
