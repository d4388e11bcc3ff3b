// Account life cycle through matrix-js-sdk: register, log in, ask who we are.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useServer } from "../harness.mjs";
import { clientFor, uniqueLocalpart } from "../clients.mjs";

describe("accounts (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("register with m.login.dummy, log in with the password, whoami names the user, logout ends it",
    async () => {
      const localpart = uniqueLocalpart("alice");
      const password = "correct horse battery staple";

      const registered = await clientFor(server()).registerRequest({
        username: localpart,
        password,
        auth: { type: "m.login.dummy" },
      });
      assert.equal(registered.user_id, `@${localpart}:${server().serverName}`);
      assert.ok(registered.access_token, "registration returns an access token");

      const login = await clientFor(server()).loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: localpart },
        password,
      });
      assert.equal(login.user_id, registered.user_id);
      assert.notEqual(login.access_token, registered.access_token, "a login is a new session");

      const session = clientFor(server(), { accessToken: login.access_token, userId: login.user_id });
      const me = await session.whoami();
      assert.equal(me.user_id, registered.user_id);
      assert.equal(me.device_id, login.device_id);

      await session.logout();
      await assert.rejects(
        clientFor(server(), { accessToken: login.access_token, userId: login.user_id }).whoami(),
        (err) => err.errcode === "M_UNKNOWN_TOKEN" && err.httpStatus === 401,
      );
    });

  test("a refresh token from login is exchanged for a working access token", async () => {
    const localpart = uniqueLocalpart("rita");
    const password = "refresh me please";
    await clientFor(server()).registerRequest({ username: localpart, password, auth: { type: "m.login.dummy" } });

    const login = await clientFor(server()).loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: localpart },
      password,
      refresh_token: true,
    });
    assert.ok(login.refresh_token, "login with refresh_token: true returns a refresh token");
    assert.ok(login.expires_in_ms > 0, "the access token expires");

    const refreshed = await clientFor(server()).refreshToken(login.refresh_token);
    assert.notEqual(refreshed.access_token, login.access_token);
    const me = await clientFor(server(), { accessToken: refreshed.access_token, userId: login.user_id }).whoami();
    assert.equal(me.user_id, login.user_id);
    assert.equal(me.device_id, login.device_id);
  });

  test("a login token from /login/get_token (after the password stage) signs in a second client once", async () => {
    const localpart = uniqueLocalpart("tina");
    const password = "hand me a token";
    const registered = await clientFor(server()).registerRequest({ username: localpart, password, auth: { type: "m.login.dummy" } });
    const first = clientFor(server(), { accessToken: registered.access_token, userId: registered.user_id });

    const flows = await clientFor(server()).loginFlows();
    assert.ok(flows.flows.some((f) => f.type === "m.login.token" && f.get_login_token === true));

    const minted = await first.requestLoginToken({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: localpart },
      password,
    });
    assert.ok(minted.login_token);

    const second = await clientFor(server()).loginRequest({ type: "m.login.token", token: minted.login_token });
    assert.equal(second.user_id, registered.user_id);
    assert.notEqual(second.device_id, registered.device_id);
    await assert.rejects(
      clientFor(server()).loginRequest({ type: "m.login.token", token: minted.login_token }),
      (err) => err.errcode === "M_FORBIDDEN",
    );
  });
});
