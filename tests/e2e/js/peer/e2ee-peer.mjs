// A matrix-js-sdk user with the Rust crypto, driven line by line over stdin/stdout by a test in another language
// (tests/e2e/nio/test_crypto.py), so two independent crypto implementations meet in one encrypted room.
//
//   env RANVIER_URL   the server's base URL
//   out {"ready": userId}                     once registered, crypto running, own device keys on the server
//   in  {"room": id, "expect": s, "reply": r}  join the room, wait to decrypt a message whose body is s, answer r
//   out {"decrypted": s, "encrypted": bool}    what arrived
//   out {"sent": eventId}                     the answer went out (encrypted, as the room is)
//   in  "done"                                stop and exit 0
// Any failure prints {"error": message} and exits 1; every wait is bounded.
import { createInterface } from "node:readline";
import { MatrixEventEvent } from "matrix-js-sdk";
import { newUser, startSyncing, waitForEvent } from "../clients.mjs";

const say = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function nextLine() {
  const { value, done } = await lines.next();
  if (done) throw new Error("stdin closed");
  return value;
}

async function ownKeysUploaded(client) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = await client.http.authedRequest("POST", "/keys/query", undefined, { device_keys: { [client.getUserId()]: [] } });
    if (answer.device_keys?.[client.getUserId()]?.[client.getDeviceId()]) return;
    await new Promise((resolve) => setTimeout(resolve, 100)); // bounded poll: 100 × 100 ms
  }
  throw new Error("the device keys never reached the server");
}

let client;
try {
  const server = { baseUrl: process.env.RANVIER_URL };
  client = await newUser(server, "jspeer");
  await client.initRustCrypto({ useIndexedDB: false });
  await startSyncing(client);
  await ownKeysUploaded(client);
  say({ ready: client.getUserId() });

  const order = JSON.parse(await nextLine());
  const decrypted = waitForEvent(client, MatrixEventEvent.Decrypted,
    (event) => event.getRoomId() === order.room && !event.isDecryptionFailure() && event.getContent().body === order.expect,
    `"${order.expect}" decrypted`);
  await client.joinRoom(order.room);
  const [event] = await decrypted;
  say({ decrypted: event.getContent().body, encrypted: event.isEncrypted() });

  const { event_id: sent } = await client.sendTextMessage(order.room, order.reply);
  say({ sent });
  if ((await nextLine()) !== "done") throw new Error("expected done");
  client.stopClient();
  process.exit(0);
} catch (error) {
  say({ error: String(error?.stack ?? error) });
  client?.stopClient();
  process.exit(1);
}
