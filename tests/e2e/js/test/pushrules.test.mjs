// Push rules through matrix-js-sdk: the ruleset startClient() fetches, and editing it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useServer } from "../harness.mjs";
import { newUser } from "../clients.mjs";

const ids = (rules) => rules.map((rule) => rule.rule_id);

describe("push rules (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("getPushRules returns the server defaults of spec v1.19 for a new user", async () => {
    const alice = await newUser(server(), "alice");

    const { global } = await alice.getPushRules();

    assert.equal(global.override[0].rule_id, ".m.rule.master");
    assert.equal(global.override[0].enabled, false);
    for (const id of [".m.rule.suppress_notices", ".m.rule.invite_for_me", ".m.rule.is_user_mention", ".m.rule.is_room_mention", ".m.rule.suppress_edits"]) {
      assert.ok(ids(global.override).includes(id), `override ${id}`);
    }
    for (const id of [".m.rule.call", ".m.rule.room_one_to_one", ".m.rule.message", ".m.rule.encrypted"]) {
      assert.ok(ids(global.underride).includes(id), `underride ${id}`);
    }
    const mention = global.override.find((rule) => rule.rule_id === ".m.rule.is_user_mention");
    assert.equal(mention.conditions[0].value, alice.getUserId());
  });

  test("addPushRule, setPushRuleEnabled, setPushRuleActions and deletePushRule round trip", async () => {
    const alice = await newUser(server(), "alice");

    await alice.addPushRule("global", "content", "nocake", { pattern: "cake*lie", actions: ["notify"] });
    await alice.addPushRule("global", "override", "beer", {
      conditions: [{ kind: "event_match", key: "content.body", pattern: "beer" }, { kind: "room_member_count", is: "<=10" }],
      actions: ["notify", { set_tweak: "sound", value: "beeroclock.wav" }],
    });
    await alice.setPushRuleEnabled("global", "content", "nocake", false);
    await alice.setPushRuleActions("global", "override", "beer", ["notify", { set_tweak: "highlight" }]);
    await alice.setPushRuleEnabled("global", "override", ".m.rule.master", true);

    let { global } = await alice.getPushRules();
    const nocake = global.content.find((rule) => rule.rule_id === "nocake");
    assert.deepEqual({ pattern: nocake.pattern, enabled: nocake.enabled, default: nocake.default }, { pattern: "cake*lie", enabled: false, default: false });
    assert.deepEqual(ids(global.override).slice(0, 2), [".m.rule.master", "beer"]);
    assert.equal(global.override[0].enabled, true);
    assert.deepEqual(global.override[1].actions, ["notify", { set_tweak: "highlight" }]);

    await alice.deletePushRule("global", "content", "nocake");
    await alice.deletePushRule("global", "override", "beer");
    ({ global } = await alice.getPushRules());
    assert.ok(!ids(global.content).includes("nocake"));
    assert.ok(!ids(global.override).includes("beer"));
  });

  test("bad edits are refused with the spec's errors", async () => {
    const alice = await newUser(server(), "alice");

    await assert.rejects(
      alice.addPushRule("global", "override", ".m.rule.mine", { actions: [] }),
      (err) => err.httpStatus === 400 && err.errcode === "M_INVALID_PARAM",
    );
    await assert.rejects(
      alice.deletePushRule("global", "content", "never-made"),
      (err) => err.httpStatus === 404 && err.errcode === "M_NOT_FOUND",
    );
    await assert.rejects(
      alice.setPushRuleEnabled("global", "underride", "never-made", true),
      (err) => err.httpStatus === 404 && err.errcode === "M_NOT_FOUND",
    );
  });

  test("startClient gets past its push-rules fetch, syncs, and sees an edit arrive as m.push_rules", { timeout: 60_000 }, async () => {
    const alice = await newUser(server(), "alice");
    const prepared = new Promise((resolve) => alice.on("sync", (state) => state === "PREPARED" && resolve()));
    await alice.startClient({ initialSyncLimit: 1 });
    try {
      await prepared;
      assert.equal(alice.pushRules.global.override[0].rule_id, ".m.rule.master");
      assert.ok(alice.getAccountData("m.push_rules"), "the initial sync carries m.push_rules");

      const updated = new Promise((resolve) => alice.on("accountData", (event) => {
        if (event.getType() === "m.push_rules" && event.getContent().global.override[0].enabled) resolve(event);
      }));
      await alice.setPushRuleEnabled("global", "override", ".m.rule.master", true);
      await updated;
      assert.equal(alice.pushRules.global.override[0].enabled, true);
    } finally {
      alice.stopClient();
    }
  });
});
