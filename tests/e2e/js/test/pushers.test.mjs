// Pushers through matrix-js-sdk, delivering to a real push gateway on 127.0.0.1 (spec: client-server API "Push
// Notifications"; push gateway API POST /_matrix/push/v1/notify).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { Method } from "matrix-js-sdk";
import { useServer } from "../harness.mjs";
import { newUser } from "../clients.mjs";

/** A push gateway that records what it is sent, answers 503 while `down`, and lets a test await the next push. */
class Gateway {
  down = false;
  /** @type {{ body: any, status: number }[]} */ requests = [];
  #waiters = [];
  #server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const status = this.down ? 503 : 200;
      this.requests.push({ body, status });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status === 200 ? JSON.stringify({ rejected: [] }) : "{}");
      for (const waiter of this.#waiters.splice(0)) waiter();
    });
  });

  async start() {
    await new Promise((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${this.#server.address().port}/_matrix/push/v1/notify`;
  }

  stop() {
    return new Promise((resolve) => this.#server.close(resolve));
  }

  /** Resolves with the first recorded request that satisfies `predicate`, waiting for it (bounded by the test's timeout). */
  async first(predicate) {
    for (;;) {
      const found = this.requests.find(predicate);
      if (found) return found;
      await new Promise((resolve) => this.#waiters.push(resolve));
    }
  }

  /** The first delivered (200) push about `eventId`. */
  async delivered(eventId) {
    return (await this.first((r) => r.status === 200 && r.body.notification.event_id === eventId)).body.notification;
  }
}

describe("pushers (matrix-js-sdk and a push gateway)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open", RANVIER_PUSH__IP_RANGE_ALLOWLIST__0: "127.0.0.1" } });
  const gateway = new Gateway();
  before(() => gateway.start());
  after(() => gateway.stop());

  const pusherOf = (pushkey) => ({
    kind: "http",
    app_id: "org.example.e2e",
    pushkey,
    app_display_name: "E2E",
    device_display_name: "Test phone",
    lang: "en",
    data: { url: gateway.url },
  });

  test("setPusher and getPushers round trip, and kind null deletes", async () => {
    const bob = await newUser(server(), "bob");

    await bob.setPusher({ ...pusherOf("listed"), profile_tag: "tag" });
    const { pushers } = await bob.getPushers();
    assert.equal(pushers.length, 1);
    assert.deepEqual(
      { pushkey: pushers[0].pushkey, kind: pushers[0].kind, url: pushers[0].data.url, tag: pushers[0].profile_tag },
      { pushkey: "listed", kind: "http", url: gateway.url, tag: "tag" },
    );

    await bob.setPusher({ kind: null, app_id: "org.example.e2e", pushkey: "listed" });
    assert.deepEqual((await bob.getPushers()).pushers, []);
  });

  test("an invite, messages and a mention reach the gateway with the right counts and tweaks", { timeout: 60_000 }, async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    await bob.setPusher(pusherOf(`bob-${Date.now()}`));

    const { room_id: roomId } = await alice.createRoom({ preset: "private_chat", name: "Pushy", invite: [bob.getUserId()] });
    const invite = await gateway.first((r) => r.body.notification.room_id === roomId && r.body.notification.type === "m.room.member");
    assert.equal(invite.body.notification.user_is_target, true);
    await bob.joinRoom(roomId);

    const { event_id: first } = await alice.sendTextMessage(roomId, "hello bob");
    let push = await gateway.delivered(first);
    assert.equal(push.room_name, "Pushy");
    assert.equal(push.sender, alice.getUserId());
    assert.deepEqual(push.content, { msgtype: "m.text", body: "hello bob" });
    assert.deepEqual(push.counts, { unread: 1 });
    assert.deepEqual(push.devices[0].tweaks, { sound: "default" });

    const { event_id: mention } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "bob!", "m.mentions": { user_ids: [bob.getUserId()] } });
    push = await gateway.delivered(mention);
    assert.deepEqual(push.counts, { unread: 2 });
    assert.deepEqual(push.devices[0].tweaks, { sound: "default", highlight: true });
    assert.equal(push.prio, "high");

    // A read receipt resets the count the next push carries.
    await bob.http.authedRequest(Method.Post, `/rooms/${encodeURIComponent(roomId)}/receipt/m.read/${encodeURIComponent(mention)}`, undefined, {});
    const { event_id: third } = await alice.sendTextMessage(roomId, "one more");
    push = await gateway.delivered(third);
    assert.deepEqual(push.counts, { unread: 1 });
  });

  test("a gateway that is down for a while gets the notification once it is back", { timeout: 60_000 }, async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    await bob.setPusher(pusherOf(`bob-down-${Date.now()}`));
    const { room_id: roomId } = await alice.createRoom({ preset: "public_chat" });
    await bob.joinRoom(roomId);

    gateway.down = true;
    try {
      const { event_id: message } = await alice.sendTextMessage(roomId, "anyone there?");
      await gateway.first((r) => r.status === 503 && r.body.notification.event_id === message);
      gateway.down = false;

      // The retry comes a second after the failure (the backoff's first step).
      const push = await gateway.delivered(message);
      assert.equal(push.room_id, roomId);
    } finally {
      gateway.down = false;
    }
  });
});
