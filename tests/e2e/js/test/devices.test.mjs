// Device management, password change and deactivation through matrix-js-sdk, with the SDK's own
// user-interactive-auth calls (first attempt without auth, then the m.login.password stage).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useServer } from "../harness.mjs";
import { clientFor, uniqueLocalpart } from "../clients.mjs";

describe("devices and account management (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  async function register(prefix, password) {
    const localpart = uniqueLocalpart(prefix);
    const registered = await clientFor(server()).registerRequest({
      username: localpart, password, auth: { type: "m.login.dummy" },
    });
    return { localpart, userId: registered.user_id };
  }

  async function login(localpart, password, deviceName) {
    const res = await clientFor(server()).loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: localpart },
      password,
      initial_device_display_name: deviceName,
    });
    return clientFor(server(), { accessToken: res.access_token, userId: res.user_id, deviceId: res.device_id });
  }

  const passwordAuth = (userId, password, session) =>
    ({ type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password, session });

  const isUnknownToken = (err) => err.errcode === "M_UNKNOWN_TOKEN" && err.httpStatus === 401;

  test("list, rename and delete devices; deleting a device needs the password and ends its session", async () => {
    const password = "pw-devices";
    const { localpart, userId } = await register("dev", password);
    const laptop = await login(localpart, password, "laptop");
    const phone = await login(localpart, password, "phone");

    const { devices } = await laptop.getDevices();
    const phoneId = phone.getDeviceId();
    assert.ok(devices.some((d) => d.device_id === phoneId && d.display_name === "phone"));

    await laptop.setDeviceDetails(phoneId, { display_name: "old phone" });
    assert.equal((await laptop.getDevice(phoneId)).display_name, "old phone");
    await assert.rejects(laptop.getDevice("NOSUCHDEVICE"), (err) => err.errcode === "M_NOT_FOUND" && err.httpStatus === 404);

    // First attempt without auth: the server answers 401 with the password flow and a session.
    const challenge = await laptop.deleteDevice(phoneId).then(
      () => assert.fail("deleting a device must need authentication"),
      (err) => err);
    assert.equal(challenge.httpStatus, 401);
    assert.deepEqual(challenge.data.flows, [{ stages: ["m.login.password"] }]);

    const wrong = await laptop.deleteDevice(phoneId, passwordAuth(userId, "not it", challenge.data.session)).then(
      () => assert.fail("a wrong password must not delete the device"),
      (err) => err);
    assert.equal(wrong.httpStatus, 401);
    assert.equal(wrong.data.errcode, "M_FORBIDDEN");
    await phone.whoami();

    await laptop.deleteDevice(phoneId, passwordAuth(userId, password, challenge.data.session));
    await assert.rejects(phone.whoami(), isUnknownToken);
    assert.ok(!(await laptop.getDevices()).devices.some((d) => d.device_id === phoneId));

    const tablet = await login(localpart, password, "tablet");
    const watch = await login(localpart, password, "watch");
    await laptop.deleteMultipleDevices([tablet.getDeviceId(), watch.getDeviceId()], passwordAuth(userId, password));
    await assert.rejects(tablet.whoami(), isUnknownToken);
    await assert.rejects(watch.whoami(), isUnknownToken);
    await laptop.whoami();
  });

  test("changing the password logs out the other devices, keeps this one, and only the new password logs in", async () => {
    const { localpart, userId } = await register("pwchange", "old password");
    const main = await login(localpart, "old password", "main");
    const other = await login(localpart, "old password", "other");

    await main.setPassword(passwordAuth(userId, "old password"), "new password", true);

    await main.whoami();
    await assert.rejects(other.whoami(), isUnknownToken);
    await assert.rejects(login(localpart, "old password"), (err) => err.errcode === "M_FORBIDDEN");
    await (await login(localpart, "new password")).whoami();
  });

  test("deactivating the account ends every session and login fails afterwards", async () => {
    const password = "pw-deactivate";
    const { localpart, userId } = await register("gone", password);
    const client = await login(localpart, password, "last");

    const result = await client.deactivateAccount(passwordAuth(userId, password), true);
    assert.equal(result.id_server_unbind_result, "success");

    await assert.rejects(client.whoami(), isUnknownToken);
    await assert.rejects(login(localpart, password), (err) => err.errcode === "M_FORBIDDEN" && err.httpStatus === 403);
  });
});
