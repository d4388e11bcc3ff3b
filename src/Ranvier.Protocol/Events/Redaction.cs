using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Ranvier.Protocol.Json;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Events;

/// <summary>
/// The redaction algorithm (client-server API "Redactions"; rooms/fragments v1-, v6-, v9-, v11-redactions
/// and the v8 page): strips an event down to the keys that authorization, hashing and signing need. Used
/// to apply m.room.redaction, to compute reference hashes and to sign or verify events.
/// </summary>
public static class Redaction
{
    private const string ThirdPartyInvite = "third_party_invite";

    private static readonly FrozenDictionary<RedactionRules, KeySets> Rules = new Dictionary<RedactionRules, KeySets>
    {
        [RedactionRules.V1] = KeySets.For(RedactionRules.V1),
        [RedactionRules.V6] = KeySets.For(RedactionRules.V6),
        [RedactionRules.V8] = KeySets.For(RedactionRules.V8),
        [RedactionRules.V9] = KeySets.For(RedactionRules.V9),
        [RedactionRules.V11] = KeySets.For(RedactionRules.V11),
    }.ToFrozenDictionary();

    /// <summary>Returns a redacted copy of <paramref name="evt"/>; the original is left as it was.</summary>
    public static JsonObject Redact(JsonObject evt, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(version);
        var rules = Rules[version.Redaction];

        var redacted = new JsonObject();
        foreach (var (key, value) in evt)
        {
            if (key != "content" && rules.TopLevel.Contains(key))
            {
                redacted[key] = value?.DeepClone();
            }
        }

        // content is always present after redaction, holding only the keys the event type protects.
        var content = new JsonObject();
        var type = JsonNodeValues.GetString(evt, "type");
        if (evt["content"] is JsonObject original && type is not null && rules.Content.TryGetValue(type, out var kept))
        {
            foreach (var (key, value) in original)
            {
                if (kept is null || kept.Contains(key))
                {
                    content[key] = value?.DeepClone();
                }
            }

            // v11: m.room.member keeps third_party_invite, but only its 'signed' member.
            if (rules.KeepsSignedThirdPartyInvite && type == EventTypes.Member
                && original[ThirdPartyInvite] is JsonObject invite && invite.TryGetPropertyValue("signed", out var signed))
            {
                content[ThirdPartyInvite] = new JsonObject { ["signed"] = signed?.DeepClone() };
            }
        }

        redacted["content"] = content;
        return redacted;
    }

    /// <summary>The keys a room version's redaction keeps: top-level keys, and content keys per event type (null = all).</summary>
    private sealed record KeySets(FrozenSet<string> TopLevel, FrozenDictionary<string, FrozenSet<string>?> Content, bool KeepsSignedThirdPartyInvite)
    {
        public static KeySets For(RedactionRules rules)
        {
            var v11 = rules == RedactionRules.V11;
            List<string> topLevel =
            [
                "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures",
                "depth", "prev_events", "auth_events", "origin_server_ts",
            ];
            if (!v11)
            {
                // v11 dropped these from the protected top-level keys.
                topLevel.AddRange(["prev_state", "origin", "membership"]);
            }

            var powerLevels = new List<string> { "ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default" };
            if (v11)
            {
                powerLevels.Add("invite");
            }

            var content = new Dictionary<string, FrozenSet<string>?>
            {
                [EventTypes.Member] = Set(rules >= RedactionRules.V9 ? ["membership", "join_authorised_via_users_server"] : ["membership"]),
                [EventTypes.Create] = v11 ? null : Set(["creator"]),
                [EventTypes.JoinRules] = Set(rules >= RedactionRules.V8 ? ["join_rule", "allow"] : ["join_rule"]),
                [EventTypes.PowerLevels] = Set(powerLevels),
                [EventTypes.HistoryVisibility] = Set(["history_visibility"]),
            };
            if (rules == RedactionRules.V1)
            {
                content[EventTypes.Aliases] = Set(["aliases"]);
            }

            if (v11)
            {
                content[EventTypes.Redaction] = Set(["redacts"]);
            }

            return new KeySets(Set(topLevel), content.ToFrozenDictionary(StringComparer.Ordinal), v11);
        }

        private static FrozenSet<string> Set(IEnumerable<string> keys) => keys.ToFrozenSet(StringComparer.Ordinal);
    }
}
