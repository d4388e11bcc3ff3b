using System.Text.Json.Nodes;
using Ranvier.Protocol.Crypto;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Json;

namespace Ranvier.Protocol.Auth;

public static partial class EventAuth
{
    // 4.4.1 (v8–v11 numbering) If content has a third_party_invite property. The identity server signed
    // content.third_party_invite.signed; the m.room.third_party_invite event named by its token carries the
    // identity server's public keys (spec: server-server API, "Verifying the invite").
    private static AuthResult CheckThirdPartyInvite(RuleContext context, string target, string rule)
    {
        var ev = context.Event;

        // 4.4.1.1 If the target user is banned, reject.
        if (context.MembershipOf(target) == Membership.Ban)
        {
            return AuthResult.Reject(rule + ".1", "the target is banned");
        }

        // 4.4.1.2 If content.third_party_invite does not have a signed property, reject.
        if (ev.Content[AuthKeys.ThirdPartyInvite] is not JsonObject thirdParty || thirdParty["signed"] is not JsonObject signed)
        {
            return AuthResult.Reject(rule + ".2", "third_party_invite has no signed object");
        }

        // 4.4.1.3 If signed does not have mxid and token properties, reject.
        var mxid = JsonNodeValues.GetString(signed, "mxid");
        var token = JsonNodeValues.GetString(signed, "token");
        if (mxid is null || token is null)
        {
            return AuthResult.Reject(rule + ".3", "signed has no mxid or token");
        }

        // 4.4.1.4 If mxid does not match state_key, reject.
        if (mxid != target)
        {
            return AuthResult.Reject(rule + ".4", "signed.mxid is not the invited user");
        }

        // 4.4.1.5 If there is no m.room.third_party_invite event in the state with state_key token, reject.
        if (context.State.Get(EventTypes.ThirdPartyInvite, token) is not { } invite)
        {
            return AuthResult.Reject(rule + ".5", "no m.room.third_party_invite for this token");
        }

        // 4.4.1.6 If sender does not match the sender of the m.room.third_party_invite, reject.
        if (invite.Sender != ev.Sender)
        {
            return AuthResult.Reject(rule + ".6", "the sender did not send the third-party invite");
        }

        // 4.4.1.7 If any signature in signed matches any public key in the invite event, allow.
        if (SignedByAnyInviteKey(signed, invite.Content))
        {
            return AuthResult.Allow(rule + ".7", "signed by the identity server of the third-party invite");
        }

        // 4.4.1.8 Otherwise, reject.
        return AuthResult.Reject(rule + ".8", "no signature in signed matches the invite's public keys");
    }

    private static bool SignedByAnyInviteKey(JsonObject signed, JsonObject inviteContent)
    {
        if (signed["signatures"] is not JsonObject signatures)
        {
            return false;
        }

        var keys = InvitePublicKeys(inviteContent).ToList();
        if (keys.Count == 0)
        {
            return false;
        }

        // Signing JSON (appendices, "Checking for a Signature"): canonical JSON without signatures and unsigned.
        var unsignedCopy = signed.DeepClone().AsObject();
        unsignedCopy.Remove("signatures");
        unsignedCopy.Remove("unsigned");
        if (!CanonicalJson.TrySerialize(unsignedCopy, out var message, out _, enforceIntegerRange: false))
        {
            return false;
        }

        foreach (var (_, entity) in signatures)
        {
            if (entity is not JsonObject byKeyId)
            {
                continue;
            }

            foreach (var (keyId, signatureNode) in byKeyId)
            {
                if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal)
                    || signatureNode is not JsonValue sv || !sv.TryGetValue(out string? signatureText)
                    || TryDecodeBase64(signatureText) is not { } signature)
                {
                    continue;
                }

                if (keys.Any(key => Ed25519.Verify(key, message, signature)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // 4.4.1.7.1 A single public key in public_key; 4.4.1.7.2 a list of keys in public_keys[].public_key.
    private static IEnumerable<byte[]> InvitePublicKeys(JsonObject content)
    {
        if (JsonNodeValues.GetString(content, "public_key") is { } single && TryDecodeBase64(single) is { } key)
        {
            yield return key;
        }

        if (content["public_keys"] is JsonArray list)
        {
            foreach (var item in list)
            {
                if (item is JsonObject entry && JsonNodeValues.GetString(entry, "public_key") is { } text
                    && TryDecodeBase64(text) is { } listed)
                {
                    yield return listed;
                }
            }
        }
    }

    // Identity servers publish keys and signatures as unpadded base64 (appendices, "Unpadded Base64"); the
    // URL-safe alphabet is tolerated too, as some implementations emit it.
    private static byte[]? TryDecodeBase64(string text) =>
        UnpaddedBase64.TryDecode(text, out var data) || UnpaddedBase64.TryDecodeUrlSafe(text, out data) ? data : null;
}
