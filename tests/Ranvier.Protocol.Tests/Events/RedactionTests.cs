using System.Text.Json.Nodes;
using Ranvier.Protocol.Events;
using Ranvier.Protocol.Rooms;

namespace Ranvier.Protocol.Tests.Events;

/// <summary>The exact key sets each redaction family keeps (rooms/fragments v1-, v6-, v9-, v11-redactions, v8 page).</summary>
public class RedactionTests
{
    private static JsonObject Event(string type, JsonObject content) => new()
    {
        ["event_id"] = "$e:x",
        ["type"] = type,
        ["room_id"] = "!r:x",
        ["sender"] = "@s:x",
        ["state_key"] = "",
        ["content"] = content.DeepClone(),
        ["hashes"] = new JsonObject { ["sha256"] = "h" },
        ["signatures"] = new JsonObject(),
        ["depth"] = 1,
        ["prev_events"] = new JsonArray(),
        ["prev_state"] = new JsonArray(),
        ["auth_events"] = new JsonArray(),
        ["origin"] = "x",
        ["origin_server_ts"] = 1,
        ["membership"] = "join",
        ["unsigned"] = new JsonObject { ["age"] = 1 },
        ["redacts"] = "$other:x",
        ["custom"] = true,
    };

    private static string[] Keys(JsonNode? obj) => [.. obj!.AsObject().Select(m => m.Key).Order(StringComparer.Ordinal)];

    private static string[] Sorted(params string[] keys) => [.. keys.Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("1", true)]
    [InlineData("10", true)]
    [InlineData("11", false)]
    [InlineData("12", false)]
    public void Top_level_keys_are_stripped(string version, bool keepsLegacyKeys)
    {
        var redacted = Redaction.Redact(Event("m.room.message", new JsonObject { ["body"] = "hi" }), RoomVersions.Find(version)!);
        string[] common = ["event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth", "prev_events", "auth_events", "origin_server_ts"];
        Keys(redacted).ShouldBe(Sorted(keepsLegacyKeys ? [.. common, "prev_state", "origin", "membership"] : common));
        Keys(redacted["content"]).ShouldBeEmpty();
    }

    public static TheoryData<string, string, string[]> ContentCases() => new()
    {
        // m.room.member: join_authorised_via_users_server from v9, not in v8.
        { "8", "m.room.member", ["membership"] },
        { "9", "m.room.member", ["membership", "join_authorised_via_users_server"] },
        { "11", "m.room.member", ["membership", "join_authorised_via_users_server", "third_party_invite"] },
        // m.room.join_rules: allow from v8.
        { "7", "m.room.join_rules", ["join_rule"] },
        { "8", "m.room.join_rules", ["join_rule", "allow"] },
        { "10", "m.room.join_rules", ["join_rule", "allow"] },
        // m.room.aliases: aliases only up to v5.
        { "5", "m.room.aliases", ["aliases"] },
        { "6", "m.room.aliases", [] },
        // m.room.create: creator only, then everything from v11.
        { "10", "m.room.create", ["creator"] },
        { "11", "m.room.create", ["creator", "room_version", "m.federate", "extra"] },
        // m.room.power_levels: invite from v11.
        { "10", "m.room.power_levels", ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"] },
        { "11", "m.room.power_levels", ["ban", "events", "events_default", "invite", "kick", "redact", "state_default", "users", "users_default"] },
        { "1", "m.room.history_visibility", ["history_visibility"] },
        // m.room.redaction: content.redacts from v11.
        { "10", "m.room.redaction", [] },
        { "11", "m.room.redaction", ["redacts"] },
        { "12", "m.room.redaction", ["redacts"] },
    };

    [Theory]
    [MemberData(nameof(ContentCases))]
    public void Content_keeps_exactly_the_protected_keys(string version, string type, string[] expected)
    {
        var content = new JsonObject
        {
            ["membership"] = "join",
            ["join_authorised_via_users_server"] = "@a:x",
            ["third_party_invite"] = new JsonObject { ["display_name"] = "d", ["signed"] = new JsonObject { ["token"] = "t" } },
            ["join_rule"] = "restricted",
            ["allow"] = new JsonArray(),
            ["aliases"] = new JsonArray("#a:x"),
            ["creator"] = "@a:x",
            ["room_version"] = "11",
            ["m.federate"] = true,
            ["extra"] = 1,
            ["ban"] = 50,
            ["events"] = new JsonObject(),
            ["events_default"] = 0,
            ["invite"] = 0,
            ["kick"] = 50,
            ["redact"] = 50,
            ["state_default"] = 50,
            ["users"] = new JsonObject(),
            ["users_default"] = 0,
            ["notifications"] = new JsonObject(),
            ["history_visibility"] = "shared",
            ["redacts"] = "$x",
            ["body"] = "b",
        };
        var supported = new[] { "m.room.member", "m.room.join_rules", "m.room.aliases", "m.room.create", "m.room.power_levels", "m.room.history_visibility", "m.room.redaction" };
        supported.ShouldContain(type);
        if (type == "m.room.create")
        {
            // Only the create-event keys, so the 'all keys' case is comparable.
            content = new JsonObject { ["creator"] = "@a:x", ["room_version"] = "11", ["m.federate"] = true, ["extra"] = 1 };
        }

        var redacted = Redaction.Redact(Event(type, content), RoomVersions.Find(version)!);
        Keys(redacted["content"]).ShouldBe(Sorted(expected));
    }

    [Fact]
    public void V11_member_keeps_only_the_signed_part_of_a_third_party_invite()
    {
        var content = new JsonObject
        {
            ["membership"] = "invite",
            ["third_party_invite"] = new JsonObject { ["display_name"] = "d", ["signed"] = new JsonObject { ["token"] = "t" } },
        };
        var redacted = Redaction.Redact(Event("m.room.member", content), RoomVersions.V11);
        redacted["content"]!["third_party_invite"]!.ToJsonString().ShouldBe("{\"signed\":{\"token\":\"t\"}}");

        content["third_party_invite"] = new JsonObject { ["display_name"] = "no signed part" };
        Keys(Redaction.Redact(Event("m.room.member", content), RoomVersions.V11)["content"]).ShouldBe(["membership"]);
    }

    [Fact]
    public void Redaction_leaves_the_original_untouched_and_adds_empty_content_when_missing()
    {
        var evt = Event("m.room.message", new JsonObject { ["body"] = "hi" });
        var before = evt.ToJsonString();
        Redaction.Redact(evt, RoomVersions.V10);
        evt.ToJsonString().ShouldBe(before);

        evt.Remove("content");
        Redaction.Redact(evt, RoomVersions.V10)["content"]!.AsObject().Count.ShouldBe(0);
    }

    [Fact]
    public void Room_versions_map_to_the_redaction_families_of_their_pages()
    {
        RoomVersions.All.Select(v => v.Redaction).ShouldBe(
        [
            RedactionRules.V1, RedactionRules.V1, RedactionRules.V1, RedactionRules.V1, RedactionRules.V1,
            RedactionRules.V6, RedactionRules.V6, RedactionRules.V8, RedactionRules.V9, RedactionRules.V9,
            RedactionRules.V11, RedactionRules.V11,
        ]);
    }
}
