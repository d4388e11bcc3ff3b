using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Identifiers;
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

    /// <summary>Adds this server's signature without touching the hashes (co-signing, e.g. a send_join or invite).</summary>
    public static void Sign(JsonObject evt, RoomVersion version, string serverName, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var redacted = Redaction.Redact(evt, version);
        var signature = JsonSigning.Sign(redacted, serverName, key, version.StrictCanonicalJson);
        JsonSigning.AddSignature(evt, serverName, key.KeyId, signature);
    }

    /// <summary>Checks <paramref name="serverName"/>'s signature under <paramref name="keyId"/> on the redacted event.</summary>
    public static SignatureCheck Verify(JsonObject evt, RoomVersion version, string serverName, KeyId keyId, ReadOnlySpan<byte> publicKey) =>
        JsonSigning.Verify(Redaction.Redact(evt, version), serverName, keyId, publicKey, version.StrictCanonicalJson);
}