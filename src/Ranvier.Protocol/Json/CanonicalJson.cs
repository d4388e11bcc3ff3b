using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ranvier.Protocol.Json;

/// <summary>
/// Canonical JSON encoding (spec: appendices, "Canonical JSON"), the byte form that hashes and signatures
/// cover. <c>enforceIntegerRange</c> applies the [-(2^53)+1, (2^53)-1] limit; pass false only for events of
/// room versions 1–5, which the spec says may hold larger integers. Floats are always refused; whole-valued
/// numbers written with an exponent or fraction (<c>1e10</c>, <c>-0</c>) come out as integers, as the
/// spec's examples require.
/// </summary>
public static class CanonicalJson
{
    public static byte[] Serialize(JsonNode? node, bool enforceIntegerRange = true)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        new CanonicalJsonWriter(buffer, enforceIntegerRange).Write(node);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serialises <paramref name="obj"/> without the top-level keys in <paramref name="omit"/> (it is not modified).</summary>
    public static byte[] SerializeWithout(JsonObject obj, ReadOnlySpan<string> omit, bool enforceIntegerRange = true)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        SerializeWithout(buffer, obj, omit, enforceIntegerRange);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>As <see cref="SerializeWithout(JsonObject, ReadOnlySpan{string}, bool)"/>, into a caller-owned buffer.</summary>
    public static void SerializeWithout(IBufferWriter<byte> output, JsonObject obj, ReadOnlySpan<string> omit, bool enforceIntegerRange = true)
    {
        ArgumentNullException.ThrowIfNull(obj);
        new CanonicalJsonWriter(output, enforceIntegerRange).WriteObject(obj, 1, omit);
    }

    public static byte[] Serialize(JsonElement element, bool enforceIntegerRange = true)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        new CanonicalJsonWriter(buffer, enforceIntegerRange).Write(element);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes into a caller-owned buffer, so hot paths can reuse one (no per-call array).</summary>
    public static void Serialize(IBufferWriter<byte> output, JsonNode? node, bool enforceIntegerRange = true) =>
        new CanonicalJsonWriter(output, enforceIntegerRange).Write(node);

    public static string SerializeToString(JsonNode? node, bool enforceIntegerRange = true) =>
        Encoding.UTF8.GetString(Serialize(node, enforceIntegerRange));

    /// <summary>As <see cref="Serialize(JsonNode?, bool)"/>, returning the reason instead of throwing.</summary>
    public static bool TrySerialize(JsonNode? node, [NotNullWhen(true)] out byte[]? bytes, [NotNullWhen(false)] out string? error,
        bool enforceIntegerRange = true)
    {
        try
        {
            bytes = Serialize(node, enforceIntegerRange);
            error = null;
            return true;
        }
        catch (CanonicalJsonException e)
        {
            bytes = null;
            error = e.Message;
            return false;
        }
    }
}
