// Cross-signing through matrix-js-sdk with its Rust crypto: bootstrapCrossSigning publishes the three keys (POST
// /keys/device_signing/upload) and the first signatures (POST /keys/signatures/upload); another user's client then
// sees the device as signed by its owner through /keys/query (spec: client-server API "Cross-signing").
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useServer } from "../harness.mjs";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { newUser, startSyncing, waitForEvent } from "../clients.mjs";

const password = "correct horse battery staple";

async function cryptoUser(server, prefix) {
  const client = await newUser(server, prefix);
  await client.initRustCrypto({ useIndexedDB: false });
  await startSyncing(client);
  return client;
}

/** An auth callback that first tries without auth, answers a UIA 401 with the password, and records what happened. */
function passwordAuth(client, log) {
  return async (makeRequest) => {
    try {
      await makeRequest(null);
      log.push("no auth needed");
    } catch (error) {
      assert.equal(error.httpStatus, 401, `expected a UIA challenge, got ${error}`);
      log.push("challenged");
      await makeRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: client.getUserId() },
        password,
        session: error.data.session,
      });
    }
  };
}

describe("cross-signing (matrix-js-sdk, Rust crypto)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("a first bootstrap needs no password and another user sees the device signed by its owner through a shared room", { timeout: 120_000 }, async () => {
    const alice = await cryptoUser(server(), "alice");
    const bob = await cryptoUser(server(), "bob");
    try {
      const log = [];
      await alice.getCrypto().bootstrapCrossSigning({ authUploadDeviceSigningKeys: passwordAuth(alice, log) });
      assert.deepEqual(log, ["no auth needed"]);
      assert.equal(await alice.getCrypto().isCrossSigningReady(), true);

      // Bob's crypto tracks alice's devices once they share an encrypted room; the query it then sends must carry the
      // signatures alice uploaded.
      const { room_id: roomId } = await alice.createRoom({
        preset: "private_chat",
        invite: [bob.getUserId()],
        initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
      });
      const fetched = waitForEvent(bob, CryptoEvent.DevicesUpdated, (users) => users.includes(alice.getUserId()), "alice's devices at bob");
      await bob.joinRoom(roomId);
      await fetched;
      const status = await bob.getCrypto().getDeviceVerificationStatus(alice.getUserId(), alice.getDeviceId());
      assert.equal(status.signedByOwner, true, "alice's device carries her self-signing key's signature");
      const identity = await bob.getCrypto().getUserVerificationStatus(alice.getUserId());
      assert.equal(identity.isCrossSigningVerified(), false, "bob has not verified alice");
    } finally {
      alice.stopClient();
      bob.stopClient();
    }
  });

  test("resetting cross-signing asks for the password", { timeout: 120_000 }, async () => {
    const alice = await cryptoUser(server(), "alice");
    try {
      await alice.getCrypto().bootstrapCrossSigning({ authUploadDeviceSigningKeys: passwordAuth(alice, []) });
      const before = (await alice.getCrypto().getCrossSigningKeyId()) ?? "";

      const log = [];
      await alice.getCrypto().bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: passwordAuth(alice, log) });

      assert.deepEqual(log, ["challenged"]);
      const after = await alice.getCrypto().getCrossSigningKeyId();
      assert.ok(after && after !== before, "a new master key is in use");
      assert.equal(await alice.getCrypto().isCrossSigningReady(), true);
    } finally {
      alice.stopClient();
    }
  });
});
