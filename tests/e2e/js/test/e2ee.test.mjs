// End-to-end encryption through matrix-js-sdk with its Rust crypto (WASM, in-memory store): the server carries device
// keys, one-time keys, to-device messages and megolm events exactly as real clients need (spec: "End-to-End Encryption").
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MatrixEventEvent, RoomStateEvent } from "matrix-js-sdk";
import { useServer } from "../harness.mjs";
import { newUser, startSyncing, waitForEvent } from "../clients.mjs";

/** A new user whose client runs the Rust crypto and is syncing. */
async function cryptoUser(server, prefix) {
  const client = await newUser(server, prefix);
  await client.initRustCrypto({ useIndexedDB: false });
  await startSyncing(client);
  return client;
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
      const { room_id: roomId } = await alice.createRoom({
        preset: "private_chat",
        invite: [bob.getUserId()],
        initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
      });
      const joined = waitForEvent(alice, RoomStateEvent.Members,
        (_event, _state, member) => member.roomId === roomId && member.userId === bob.getUserId() && member.membership === "join", "bob's join");
      await bob.joinRoom(roomId);
      await joined;

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
});
