using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ranvier.Storage.Rooms;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// A client-format event whose JSON was written once for every reader: its fields but <c>unsigned</c>, as UTF-8,
/// remembered with the stored event instance (the store hands the same instance of a new event to every sync it
/// wakes). In a response it is written as those bytes followed by the reader's <c>unsigned</c> (the age at the time
/// the node was made). Only an event with nothing reader-specific but its age takes this form (see
/// <see cref="ClientEventSerializer"/>); the node is written, never read back as an object.
/// </summary>
internal sealed class PreShapedEvent
{
    private static readonly ConditionalWeakTable<StoredEvent, byte[]> Heads = [];

    private static readonly JsonTypeInfo<PreShapedEvent> TypeInfo =
        JsonMetadataServices.CreateValueInfo<PreShapedEvent>(new JsonSerializerOptions { TypeInfoResolver = JsonTypeInfoResolver.Combine() }, new Converter());

    private readonly byte[] _head;
    private readonly long _age;

    private PreShapedEvent(byte[] head, long age)
    {
        _head = head;
        _age = age;
    }

    /// <summary>
    /// The event as a node: <paramref name="shape"/> makes its JSON (with an <c>unsigned</c> object, which is left out)
    /// the first time this instance of <paramref name="stored"/> is served this way.
    /// </summary>
    public static JsonNode Create(StoredEvent stored, long age, Func<StoredEvent, JsonObject> shape)
    {
        if (!Heads.TryGetValue(stored, out var head))
        {
            head = Head(shape(stored));
            Heads.AddOrUpdate(stored, head);
        }

        return JsonValue.Create(new PreShapedEvent(head, age), TypeInfo)!;
    }

    /// <summary>The object's JSON without <c>unsigned</c> and without its closing brace.</summary>
    private static byte[] Head(JsonObject json)
    {
        // Written the way the response writer writes nodes (SyncResponseWriter), so the bytes are the same.
        json.Remove("unsigned");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, Sync.SyncResponseWriter.WriterOptions))
        {
            json.WriteTo(writer);
        }

        return buffer.WrittenSpan[..^1].ToArray();
    }

    private sealed class Converter : JsonConverter<PreShapedEvent>
    {
        private static readonly byte[] UnsignedAge = ",\"unsigned\":{\"age\":"u8.ToArray();

        public override PreShapedEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A pre-shaped event is only written.");

        public override void Write(Utf8JsonWriter writer, PreShapedEvent value, JsonSerializerOptions options)
        {
            // head + ,"unsigned":{"age":N}} -- the head is valid JSON written by this process, so it is not checked again.
            var length = value._head.Length + UnsignedAge.Length + 22;
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
            try
            {
                value._head.CopyTo(buffer, 0);
                var at = value._head.Length;
                UnsignedAge.CopyTo(buffer, at);
                at += UnsignedAge.Length;
                value._age.TryFormat(buffer.AsSpan(at), out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
                at += written;
                buffer[at++] = (byte)'}';
                buffer[at++] = (byte)'}';
                writer.WriteRawValue(buffer.AsSpan(0, at), skipInputValidation: true);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
