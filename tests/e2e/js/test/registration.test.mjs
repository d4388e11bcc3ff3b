// Registration beyond m.login.dummy through matrix-js-sdk: guests, and token-authenticated registration
// driven by the SDK's own InteractiveAuth, with the token made through the Synapse-compatible admin APIs.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, test } from "node:test";
import { InteractiveAuth, Method } from "matrix-js-sdk";
import { useServer } from "../harness.mjs";
import { clientFor, uniqueLocalpart } from "../clients.mjs";

const sharedSecret = "e2e shared secret, not for production";

describe("guest access (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__ALLOW_GUESTS: "true", RANVIER_REGISTRATION__MODE: "open" } });

  test("a guest upgrades to a full account by registering with its guest_access_token", async () => {
    const guest = await clientFor(server()).registerGuest({ body: {} });
    const localpart = guest.user_id.slice(1, guest.user_id.indexOf(":"));

    const upgraded = await clientFor(server()).registerRequest({
      username: localpart,
      password: "no longer a guest",
      guest_access_token: guest.access_token,
      auth: { type: "m.login.dummy" },
    });
    assert.equal(upgraded.user_id, guest.user_id);

    const me = await clientFor(server(), { accessToken: upgraded.access_token, userId: upgraded.user_id }).whoami();
    assert.equal(me.is_guest, false);
    const login = await clientFor(server()).loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: localpart },
      password: "no longer a guest",
    });
    assert.equal(login.user_id, guest.user_id);
  });

  test("registerGuest gives a session whose whoami says is_guest; guest-only rules apply", async () => {
    const guest = await clientFor(server()).registerGuest({ body: { initial_device_display_name: "e2e guest" } });
    assert.match(guest.user_id, /^@[0-9]+:/);

    const session = clientFor(server(), { accessToken: guest.access_token, userId: guest.user_id, deviceId: guest.device_id });
    session.setGuest(true);
    const me = await session.whoami();
    assert.equal(me.user_id, guest.user_id);
    assert.equal(me.is_guest, true);

    await assert.rejects(session.logout(), (err) => err.errcode === "M_GUEST_ACCESS_FORBIDDEN" && err.httpStatus === 403);
  });
});

describe("token-authenticated registration (matrix-js-sdk)", () => {
  const server = useServer({
    env: { RANVIER_REGISTRATION__MODE: "token", RANVIER_REGISTRATION__SHARED_SECRET: sharedSecret },
  });

  /** Makes an admin the way register_new_matrix_user does: nonce, then an HMAC-SHA1 of the request. */
  async function sharedSecretAdmin() {
    const http = clientFor(server()).http;
    const prefix = "/_synapse/admin/v1";
    const { nonce } = await http.request(Method.Get, "/register", undefined, undefined, { prefix });
    const username = uniqueLocalpart("admin");
    const password = "admin password";
    const mac = createHmac("sha1", sharedSecret).update([nonce, username, password, "admin"].join("\0")).digest("hex");
    return http.request(Method.Post, "/register", undefined, { nonce, username, password, admin: true, mac }, { prefix });
  }

  test("the SDK's InteractiveAuth completes m.login.registration_token and the token is counted", async () => {
    const admin = await sharedSecretAdmin();
    const adminClient = clientFor(server(), { accessToken: admin.access_token, userId: admin.user_id });
    const prefix = "/_synapse/admin/v1";
    const created = await adminClient.http.authedRequest(Method.Post, "/registration_tokens/new", undefined, { uses_allowed: 1 }, { prefix });

    const validity = (token) => clientFor(server()).http.request(
      Method.Get, "/register/m.login.registration_token/validity", { token }, undefined, { prefix: "/_matrix/client/v1" });
    assert.deepEqual(await validity(created.token), { valid: true });
    assert.deepEqual(await validity("not-a-token"), { valid: false });

    const client = clientFor(server());
    const localpart = uniqueLocalpart("invited");
    const stages = [];
    const auth = new InteractiveAuth({
      matrixClient: client,
      doRequest: (authDict) => client.registerRequest({ username: localpart, password: "pw", auth: authDict ?? undefined }),
      stateUpdated: (stage) => {
        stages.push(stage);
        if (stage === "m.login.registration_token") {
          auth.submitAuthDict({ type: stage, token: created.token });
        }
      },
      requestEmailToken: () => Promise.reject(new Error("no email stage expected")),
    });
    const registered = await auth.attemptAuth();

    assert.deepEqual(stages, ["m.login.registration_token"]);
    assert.equal(registered.user_id, `@${localpart}:${server().serverName}`);
    const me = await clientFor(server(), { accessToken: registered.access_token, userId: registered.user_id }).whoami();
    assert.equal(me.user_id, registered.user_id);

    const after = await adminClient.http.authedRequest(Method.Get, `/registration_tokens/${created.token}`, undefined, undefined, { prefix });
    assert.equal(after.completed, 1);
    assert.equal(after.pending, 0);
    assert.deepEqual(await validity(created.token), { valid: false }, "a used-up token is no longer valid");
  });

  test("a wrong token leaves the stage incomplete with M_UNAUTHORIZED", async () => {
    const client = clientFor(server());
    const first = await client.registerRequest({ username: uniqueLocalpart("nobody"), password: "pw" }).catch((err) => err);
    assert.equal(first.httpStatus, 401);
    const session = first.data.session;
    assert.deepEqual(first.data.flows, [{ stages: ["m.login.registration_token"] }]);

    const wrong = await client.registerRequest({
      username: uniqueLocalpart("nobody"),
      password: "pw",
      auth: { type: "m.login.registration_token", token: "wrong", session },
    }).catch((err) => err);
    assert.equal(wrong.httpStatus, 401);
    assert.equal(wrong.data.errcode, "M_UNAUTHORIZED");
    assert.deepEqual(wrong.data.completed, []);
  });
});
