// User data through matrix-js-sdk: profile, extended profile fields, account data, filters, capabilities.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useServer } from "../harness.mjs";
import { newUser } from "../clients.mjs";

describe("user data (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("a new account shows its localpart; setDisplayName and setAvatarUrl show in getProfileInfo", async () => {
    const alice = await newUser(server(), "alice");
    const localpart = alice.getUserId().slice(1).split(":")[0];
    assert.equal((await alice.getProfileInfo(alice.getUserId())).displayname, localpart);

    await alice.setDisplayName("Alice Ⓐ");
    await alice.setAvatarUrl(`mxc://${server().serverName}/avatar1`);

    const profile = await alice.getProfileInfo(alice.getUserId());
    assert.equal(profile.displayname, "Alice Ⓐ");
    assert.equal(profile.avatar_url, `mxc://${server().serverName}/avatar1`);
    assert.deepEqual(await alice.getProfileInfo(alice.getUserId(), "displayname"), { displayname: "Alice Ⓐ" });
  });

  test("extended profile fields are set, read and deleted; another user's profile cannot be changed", async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");

    await alice.setExtendedProfileProperty("m.tz", "Europe/Paris");
    await alice.setExtendedProfileProperty("com.example.pets", { cats: 2 });
    assert.equal(await bob.getExtendedProfileProperty(alice.getUserId(), "m.tz"), "Europe/Paris");
    assert.deepEqual(await bob.getExtendedProfileProperty(alice.getUserId(), "com.example.pets"), { cats: 2 });

    await alice.deleteExtendedProfileProperty("com.example.pets");
    assert.equal((await alice.getProfileInfo(alice.getUserId()))["com.example.pets"], undefined);

    await assert.rejects(
      bob.http.authedRequest("PUT", `/profile/${encodeURIComponent(alice.getUserId())}/displayname`, undefined, { displayname: "Mallory" }),
      (err) => err.errcode === "M_FORBIDDEN" && err.httpStatus === 403,
    );
    await assert.rejects(
      alice.setAvatarUrl("https://example.org/not-mxc.png"),
      (err) => err.errcode === "M_INVALID_PARAM" && err.httpStatus === 400,
    );
  });

  test("setAccountData is read back by getAccountDataFromServer; unknown types are null; m.push_rules is refused", async () => {
    const alice = await newUser(server(), "alice");

    await alice.setAccountData("org.example.settings", { theme: "dark", sizes: [1, 2] });

    assert.deepEqual(await alice.getAccountDataFromServer("org.example.settings"), { theme: "dark", sizes: [1, 2] });
    assert.equal(await alice.getAccountDataFromServer("org.example.missing"), null);
    await assert.rejects(
      alice.setAccountDataRaw("m.push_rules", { global: {} }),
      (err) => err.errcode === "M_BAD_JSON" && err.httpStatus === 405,
    );
  });

  test("createFilter returns an ID that getFilter reads back; a bad filter is refused", async () => {
    const alice = await newUser(server(), "alice");
    const definition = {
      room: { timeline: { limit: 10, types: ["m.room.message"] }, state: { lazy_load_members: true } },
      presence: { not_types: ["*"] },
    };

    const created = await alice.createFilter(definition);
    assert.ok(created.filterId, "the server returns a filter_id");
    assert.ok(!created.filterId.startsWith("{"));

    const fetched = await alice.getFilter(alice.getUserId(), created.filterId, false);
    assert.deepEqual(fetched.getDefinition(), definition);

    await assert.rejects(
      alice.createFilter({ room: { timeline: { limit: "ten" } } }),
      (err) => err.errcode === "M_BAD_JSON" && err.httpStatus === 400,
    );
  });

  test("getCapabilities lists password change, profile fields and room versions 1-12", async () => {
    const alice = await newUser(server(), "alice");

    const caps = await alice.getCapabilities();

    assert.equal(caps["m.change_password"].enabled, true);
    assert.equal(caps["m.set_displayname"].enabled, true);
    assert.equal(caps["m.profile_fields"].enabled, true);
    assert.equal(caps["m.3pid_changes"].enabled, false);
    assert.equal(caps["m.room_versions"].default, "12");
    assert.deepEqual(Object.keys(caps["m.room_versions"].available).sort((a, b) => a - b),
      ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]);
  });
});
