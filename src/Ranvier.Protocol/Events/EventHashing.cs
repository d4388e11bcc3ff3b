using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Events;

/// <summary>The outcome of checking an event's content hash on receipt.</summary>
public enum ContentHashCheck
{
    Valid,

    /// <summary>No <c>hashes.sha256</c> string (or not base64): treat the event as redacted.</summary>
    Missing,

    /// <summary>The hash differs: the spec says to keep only the redacted form of the event.</summary>
    Mismatch,
}

/// <summary>
/// Content hashes, reference hashes and the event IDs derived from them (server-server API, "Calculating
/// the content hash for an event", "Calculating the reference hash for an event"; rooms v3 and v4 "Event
/// IDs"; v12 room IDs). Canonical JSON is written strictly for room versions 6+ and leniently before.
/// All methods throw <see cref="CanonicalJsonException"/> for events canonical JSON cannot express.
/// </summary>
public static class EventHashing
{
    public const string HashesKey = "hashes";
    public const string Sha256Key = "sha256";

    private static readonly string[] ContentHashOmits = [JsonSigning.UnsignedKey, JsonSigning.SignaturesKey, HashesKey];
    private static readonly string[] ReferenceHashOmits = [JsonSigning.SignaturesKey, JsonSigning.UnsignedKey];

    /// <summary>SHA-256 of the canonical event without <c>unsigned</c>, <c>signatures</c> and <c>hashes</c>.</summary>
    public static byte[] ContentHash(JsonObject evt, RoomVersion version) => Sha256Without(evt, ContentHashOmits, version);

    /// <summary>Computes the content hash and stores it as <c>hashes.sha256</c> (replacing any other hashes).</summary>
    public static void AddContentHash(JsonObject evt, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(evt);
        evt[HashesKey] = new JsonObject { [Sha256Key] = UnpaddedBase64.Encode(ContentHash(evt, version)) };
    }

    /// <summary>Compares <c>hashes.sha256</c> with the recomputed content hash (server-server API, "Validating hashes and signatures on received events").</summary>
    public static ContentHashCheck CheckContentHash(JsonObject evt, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (evt[HashesKey] is not JsonObject hashes || hashes[Sha256Key] is not JsonValue value
            || !value.TryGetValue(out string? encoded) || !UnpaddedBase64.TryDecode(encoded, out var claimed))
        {
            return ContentHashCheck.Missing;
        }

        return CryptographicOperations.FixedTimeEquals(claimed, ContentHash(evt, version)) ? ContentHashCheck.Valid : ContentHashCheck.Mismatch;
    }

    /// <summary>SHA-256 of the canonical redacted event without <c>signatures</c> and <c>unsigned</c>.</summary>
    public static byte[] ReferenceHash(JsonObject evt, RoomVersion version) =>
        Sha256Without(Redaction.Redact(evt, version), ReferenceHashOmits, version);

    /// <summary>
    /// The event ID as the room version defines it: <c>$</c> + reference hash in standard unpadded base64
    /// (v3) or URL-safe unpadded base64 (v4+). In v1 and v2 the origin server chose the ID and it is the
    /// event's own <c>event_id</c> field; null is returned when that field is missing.
    /// </summary>
    public static string? GetEventId(JsonObject evt, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return version.EventFormat == EventFormat.V1
            ? JsonNodeValues.GetString(evt, "event_id")
            : EventIdOf(ReferenceHash(evt, version), version);
    }

    /// <summary>The event ID of a hash-form room version (v3+) for a reference hash: <c>$</c> and its base64.</summary>
    internal static string EventIdOf(ReadOnlySpan<byte> referenceHash, RoomVersion version) =>
        version.EventFormat == EventFormat.V2 ? "$" + UnpaddedBase64.Encode(referenceHash) : "$" + UnpaddedBase64.EncodeUrlSafe(referenceHash);

    /// <summary>As <see cref="GetEventId"/>, reporting failure (missing ID, non-canonical JSON) instead of throwing.</summary>
    public static bool TryGetEventId(JsonObject evt, RoomVersion version, [NotNullWhen(true)] out string? eventId, [NotNullWhen(false)] out string? error)
    {
        try
        {
            eventId = GetEventId(evt, version);
            error = eventId is null ? "event_id is missing" : null;
            return eventId is not null;
        }
        catch (CanonicalJsonException e)
        {
            eventId = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The room ID a v12+ create event founds: its event ID with <c>!</c> for <c>$</c> (appendices, "Room IDs").</summary>
    public static RoomId RoomIdFromCreateEvent(JsonObject createEvent, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!version.RoomIdFromCreateEvent)
        {
            throw new ArgumentException($"Room version {version.Id} does not derive room IDs from the create event.", nameof(version));
        }

        return RoomId.Parse("!" + UnpaddedBase64.EncodeUrlSafe(ReferenceHash(createEvent, version)));
    }

    private static byte[] Sha256Without(JsonObject evt, ReadOnlySpan<string> omit, RoomVersion version)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        CanonicalJson.SerializeWithout(buffer, evt, omit, version.StrictCanonicalJson);
        return SHA256.HashData(buffer.WrittenSpan);
    }
}
