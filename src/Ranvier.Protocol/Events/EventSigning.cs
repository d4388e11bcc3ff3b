using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Events;

/// <summary>
/// Signing and verifying events (server-server API, "Signing Events"): a signature covers the
/// <em>redacted</em> event, so it stays checkable after a redaction; the content hash inside it covers the rest.
/// </summary>
public static class EventSigning
{
    /// <summary>
    /// Prepares an outgoing event: adds the content hash, then signs the redacted form and copies the
    /// signature back (spec: "Adding hashes and signatures to outgoing events").
    /// </summary>
    public static void HashAndSign(JsonObject evt, RoomVersion version, string serverName, SigningKey key)
    {
        EventHashing.AddContentHash(evt, version);
        Sign(evt, version, serverName, key);
    }

    /// <summary>
    /// <see cref="HashAndSign"/> for an event built here, returning its ID as well (from <c>event_id</c> in room
    /// versions 1 and 2, null when missing). What the signature covers, the redacted event without <c>signatures</c>
    /// and <c>unsigned</c> in canonical JSON, is exactly what the reference hash hashes: one redaction and one
    /// serialisation serve both.
    /// </summary>
    public static string? HashSignAndIdentify(JsonObject evt, RoomVersion version, string serverName, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(key);
        EventHashing.AddContentHash(evt, version);
        var signed = new ArrayBufferWriter<byte>(1024);
        CanonicalJson.SerializeWithout(signed, Redaction.Redact(evt, version), ReferenceHashOmits, version.StrictCanonicalJson);
        JsonSigning.AddSignature(evt, serverName, key.KeyId, UnpaddedBase64.Encode(key.Sign(signed.WrittenSpan)));
        return version.EventFormat == EventFormat.V1
            ? JsonNodeValues.GetString(evt, "event_id")
            : EventHashing.EventIdOf(SHA256.HashData(signed.WrittenSpan), version);
    }

    // Both the signature and the reference hash leave these out.
    private static readonly string[] ReferenceHashOmits = [JsonSigning.SignaturesKey, JsonSigning.UnsignedKey];

    /// <summary>Adds this server's signature without touching the hashes (co-signing, e.g. a send_join or invite).</summary>
    public static void Sign(JsonObject evt, RoomVersion version, string serverName, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var redacted = Redaction.Redact(evt, version);
        var signature = JsonSigning.Sign(redacted, serverName, key, version.StrictCanonicalJson);
        JsonSigning.AddSignature(evt, serverName, key.KeyId, signature);
    }

    /// <summary>
    /// The servers whose signatures an incoming event must carry (server-server API, "Validating hashes and
    /// signatures on received events"): the sender's server, except on an invite made from a third-party
    /// invite (the server sending it may differ); in room versions 1 and 2 also the server named in the
    /// event ID; and for a restricted join (v8+) the server of <c>join_authorised_via_users_server</c>.
    /// Fails, rather than requiring fewer signatures, when one of those IDs is malformed.
    /// </summary>
    public static bool TryGetRequiredSigners(JsonObject evt, RoomVersion version, [NotNullWhen(true)] out IReadOnlySet<string>? servers,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(version);
        servers = null;
        var required = new HashSet<string>(StringComparer.Ordinal);
        var content = evt["content"] as JsonObject;
        var isMember = JsonNodeValues.GetString(evt["type"]) == EventTypes.Member;
        var membership = isMember ? JsonNodeValues.GetString(content?["membership"]) : null;

        if (!UserId.TryParse(JsonNodeValues.GetString(evt["sender"]), out var sender, out error))
        {
            return false;
        }

        if (!(membership == "invite" && content!.ContainsKey("third_party_invite")))
        {
            required.Add(sender.Server.Value);
        }

        if (version.EventFormat == EventFormat.V1)
        {
            if (!EventId.TryParse(JsonNodeValues.GetString(evt["event_id"]), out var eventId, out error) || eventId.Server is not { } origin)
            {
                error ??= "a v1/v2 event ID must name a server";
                return false;
            }

            required.Add(origin.Value);
        }

        if (version.AllowRestrictedJoins && membership == "join"
            && content!.TryGetPropertyValue("join_authorised_via_users_server", out var authorisedBy))
        {
            if (!UserId.TryParse(JsonNodeValues.GetString(authorisedBy), out var authoriser, out error))
            {
                return false;
            }

            required.Add(authoriser.Server.Value);
        }

        servers = required;
        error = null;
        return true;
    }

    /// <summary>Checks <paramref name="serverName"/>'s signature under <paramref name="keyId"/> on the redacted event.</summary>
    public static SignatureCheck Verify(JsonObject evt, RoomVersion version, string serverName, KeyId keyId, ReadOnlySpan<byte> publicKey) =>
        JsonSigning.Verify(Redaction.Redact(evt, version), serverName, keyId, publicKey, version.StrictCanonicalJson);
}
