// End-to-end encryption through matrix-js-sdk with its Rust crypto (WASM, in-memory store): the server carries device
// keys, one-time keys, to-device messages and megolm events exactly as real clients need (spec: "End-to-End Encryption").
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MatrixEvent, MatrixEventEvent, RoomStateEvent } from "matrix-js-sdk";
import { useServer } from "../harness.mjs";
import { clientFor, newUser, startSyncing, waitForEvent } from "../clients.mjs";

/** A new user whose client runs the Rust crypto and is syncing. */
async function cryptoUser(server, prefix) {
  const client = await newUser(server, prefix);
  await client.initRustCrypto({ useIndexedDB: false });
  await startSyncing(client);
  return client;
}

const password = "correct horse battery staple"; // what newUser registers with

/** Polls `check` (async) until it returns something truthy, at most 30 s; returns that. */
async function until(check, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // bounded poll of the server's state
  }
}

/** A second device of `client`'s user: a password login with its own Rust crypto, syncing. */
async function secondDevice(server, client) {
  const login = await clientFor(server).loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: client.getUserId() },
    password,
  });
  const device = clientFor(server, { accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
  await device.initRustCrypto({ useIndexedDB: false });
  await startSyncing(device);
  return device;
}

/** An encrypted room of `owner` that `member` has joined, once `owner` has seen the join. */
async function encryptedRoom(owner, member) {
  const { room_id: roomId } = await owner.createRoom({
    preset: "private_chat",
    invite: [member.getUserId()],
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
  });
  const joined = waitForEvent(owner, RoomStateEvent.Members,
    (_event, _state, who) => who.roomId === roomId && who.userId === member.getUserId() && who.membership === "join", "the join");
  await member.joinRoom(roomId);
  await joined;
  return roomId;
}

/** The UIA a real client does for cross-signing keys: try without auth, answer a 401 with the password. */
function passwordAuth(client) {
  return async (makeRequest) => {
    try {
      await makeRequest(null);
    } catch (error) {
      if (error.httpStatus !== 401) throw error;
      await makeRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: client.getUserId() }, password, session: error.data.session });
    }
  };
}

/** Resolves with the decrypted event of `roomId` whose body is `body`, as `client` decrypts it. */
function decrypts(client, roomId, body) {
  return waitForEvent(
    client,
    MatrixEventEvent.Decrypted,
    (event) => event.getRoomId() === roomId && !event.isDecryptionFailure() && event.getContent().body === body,
    `"${body}" decrypted by ${client.getUserId()}`,
  ).then(([event]) => event);
}

describe("end-to-end encryption (matrix-js-sdk, Rust crypto)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("two users in an encrypted room exchange messages that both decrypt", { timeout: 120_000 }, async () => {
    const alice = await cryptoUser(server(), "alice");
    const bob = await cryptoUser(server(), "bob");
    try {
      const roomId = await encryptedRoom(alice, bob);

      const atBob = decrypts(bob, roomId, "hello bob, in secret");
      await alice.sendTextMessage(roomId, "hello bob, in secret");
      const received = await atBob;
      assert.equal(received.isEncrypted(), true, "the event travelled encrypted");
      assert.equal(received.getWireType(), "m.room.encrypted");
      assert.equal(received.getSender(), alice.getUserId());

      const atAlice = decrypts(alice, roomId, "hello alice, in secret too");
      await bob.sendTextMessage(roomId, "hello alice, in secret too");
      const answer = await atAlice;
      assert.equal(answer.isEncrypted(), true);
      assert.equal(answer.getSender(), bob.getUserId());

      // What the server stored is ciphertext only.
      const stored = await alice.fetchRoomEvent(roomId, received.getId());
      assert.equal(stored.type, "m.room.encrypted");
      assert.equal(stored.content.algorithm, "m.megolm.v1.aes-sha2");
      assert.ok(!JSON.stringify(stored).includes("in secret"));
    } finally {
      alice.stopClient();
      bob.stopClient();
    }
  });

  test("a second device of the same user restores room keys from the server-side backup", { timeout: 120_000 }, async () => {
    const alice = await cryptoUser(server(), "alice");
    const bob = await cryptoUser(server(), "bob");
    let phone;
    try {
      const roomId = await encryptedRoom(alice, bob);
      await alice.getCrypto().resetKeyBackup();
      const version = await alice.getCrypto().getActiveSessionBackupVersion();
      assert.ok(version, "alice's device backs up to a new version");

      const atBob = decrypts(bob, roomId, "said before the phone existed");
      const { event_id: eventId } = await alice.sendTextMessage(roomId, "said before the phone existed");
      await atBob;
      await until(async () => {
        const backup = await alice.http.authedRequest("GET", "/room_keys/keys", { version });
        return Object.keys(backup.rooms?.[roomId]?.sessions ?? {}).length > 0;
      }, "the room key in the backup");

      phone = await secondDevice(server(), alice);
      await phone.getCrypto().storeSessionBackupPrivateKey(await alice.getCrypto().getSessionBackupPrivateKey(), version);
      const restored = await phone.getCrypto().restoreKeyBackup();
      assert.ok(restored.imported >= 1, `imported ${restored.imported} of ${restored.total}`);

      const event = new MatrixEvent(await phone.fetchRoomEvent(roomId, eventId));
      await phone.decryptEventIfNeeded(event);
      assert.equal(event.isDecryptionFailure(), false);
      assert.equal(event.getContent().body, "said before the phone existed");
    } finally {
      alice.stopClient();
      bob.stopClient();
      phone?.stopClient();
    }
  });

  test("cross-signing bootstrap succeeds and a second device is verified through signatures", { timeout: 120_000 }, async () => {
    const alice = await cryptoUser(server(), "alice");
    let laptop;
    try {
      await alice.getCrypto().bootstrapCrossSigning({ authUploadDeviceSigningKeys: passwordAuth(alice) });
      assert.equal(await alice.getCrypto().isCrossSigningReady(), true);
      const status = await alice.getCrypto().getCrossSigningStatus();
      assert.deepEqual(status.privateKeysCachedLocally, { masterKey: true, selfSigningKey: true, userSigningKey: true });

      // What the server now says of alice: her three keys, and her first device signed by the self-signing key.
      const query = await alice.http.authedRequest("POST", "/keys/query", undefined, { device_keys: { [alice.getUserId()]: [] } });
      const selfSigning = Object.values(query.self_signing_keys[alice.getUserId()].keys)[0];
      assert.ok(query.master_keys[alice.getUserId()], "the master key is published");
      assert.ok(query.user_signing_keys[alice.getUserId()], "alice sees her own user-signing key");
      assert.ok(query.device_keys[alice.getUserId()][alice.getDeviceId()].signatures[alice.getUserId()][`ed25519:${selfSigning}`],
        "the bootstrapping device is signed by the self-signing key");

      laptop = await secondDevice(server(), alice);
      await until(async () => (await alice.getCrypto().getUserDeviceInfo([alice.getUserId()], true)).get(alice.getUserId())?.has(laptop.getDeviceId()),
        "alice's first device to learn of the laptop");
      const before = await alice.getCrypto().getDeviceVerificationStatus(alice.getUserId(), laptop.getDeviceId());
      assert.equal(before.crossSigningVerified, false);

      await alice.getCrypto().crossSignDevice(laptop.getDeviceId());
      await until(async () => (await alice.getCrypto().getDeviceVerificationStatus(alice.getUserId(), laptop.getDeviceId()))?.crossSigningVerified,
        "the laptop to be cross-signing verified");
      const signed = await alice.http.authedRequest("POST", "/keys/query", undefined, { device_keys: { [alice.getUserId()]: [laptop.getDeviceId()] } });
      assert.ok(signed.device_keys[alice.getUserId()][laptop.getDeviceId()].signatures[alice.getUserId()][`ed25519:${selfSigning}`],
        "the server holds the laptop's signature by the self-signing key");
    } finally {
      alice.stopClient();
      laptop?.stopClient();
    }
  });
});
