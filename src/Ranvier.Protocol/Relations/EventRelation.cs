using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Relations;

/// <summary>The relationship types the spec defines (client-server API, "Relationship types").</summary>
public static class RelationTypes
{
    public const string Replace = "m.replace";
    public const string Annotation = "m.annotation";
    public const string Thread = "m.thread";
    public const string Reference = "m.reference";
}

/// <summary>
/// An event's relationship to its parent, read from the cleartext <c>content.m.relates_to</c> (spec: client-server
/// API, "Forming relationships between events"). Only relations with a <c>rel_type</c> count: a rich reply
/// (<c>m.in_reply_to</c> alone) is not a relation and is not returned by the relations API.
/// </summary>
public sealed record EventRelation(string EventId, string RelType)
{
    private const string EncryptedType = "m.room.encrypted";

    /// <summary>
    /// The relation of a message event, or null when it has none or it does not match the schema (relations that
    /// break the schema "are simply ignored"). State events are not related: edits of state are invalid, and
    /// state events receive no aggregations. An m.replace without <c>m.new_content</c> is invalid (spec: "Validity
    /// of replacement events"), except in an encrypted event, whose <c>m.new_content</c> is in the ciphertext.
    /// </summary>
    public static EventRelation? From(string type, bool isState, JsonObject content)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(content);
        if (isState || content["m.relates_to"] is not JsonObject relatesTo)
        {
            return null;
        }

        var eventId = JsonNodeValues.GetString(relatesTo["event_id"]);
        var relType = JsonNodeValues.GetString(relatesTo["rel_type"]);
        if (eventId is null || relType is null || !eventId.StartsWith('$') || relType.Length == 0)
        {
            return null;
        }

        if (relType == RelationTypes.Replace && type != EncryptedType && content["m.new_content"] is not JsonObject)
        {
            return null;
        }

        return new EventRelation(eventId, relType);
    }
}
