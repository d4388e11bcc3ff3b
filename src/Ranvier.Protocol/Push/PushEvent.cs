using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Push;

/// <summary>
/// An event as push rules read it during one pass over its recipients: every recipient's rules look up the same few
/// string properties (<c>type</c>, <c>content.msgtype</c>, <c>content.body</c>, <c>room_id</c> …), so each is read
/// from the JSON once and remembered. Not thread-safe: one instance per evaluation pass.
/// </summary>
public sealed class PushEvent
{
    private static readonly (string Key, PropertyPath Path) BodyAt = At("content.body");
    private static readonly (string Key, PropertyPath Path) RoomIdAt = At("room_id");
    private static readonly (string Key, PropertyPath Path) SenderAt = At("sender");

    private readonly Dictionary<string, string?> _strings = new(StringComparer.Ordinal);

    /// <summary>Wraps the event's JSON (type, content, sender, room_id, state_key …).</summary>
    public PushEvent(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Json = json;
    }

    /// <summary>The event's JSON.</summary>
    public JsonObject Json { get; }

    /// <summary>The string at <c>content.body</c>, or null when it is missing or not a string.</summary>
    public string? Body => StringAt(BodyAt.Key, BodyAt.Path);

    /// <summary>The event's <c>room_id</c>, or null.</summary>
    public string? RoomId => StringAt(RoomIdAt.Key, RoomIdAt.Path);

    /// <summary>The event's <c>sender</c>, or null.</summary>
    public string? Sender => StringAt(SenderAt.Key, SenderAt.Path);

    /// <summary>The string at <paramref name="path"/> (whose dotted form is <paramref name="key"/>), or null when it is missing or not a string.</summary>
    internal string? StringAt(string key, PropertyPath path)
    {
        if (!_strings.TryGetValue(key, out var value))
        {
            value = path.TryResolve(Json, out var node) ? JsonNodeValues.GetString(node) : null;
            _strings.Add(key, value);
        }

        return value;
    }

    private static (string, PropertyPath) At(string key) => (key, PropertyPath.Parse(key));
}
