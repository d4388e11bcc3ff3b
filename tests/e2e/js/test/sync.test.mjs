// /sync through matrix-js-sdk's own sync loop (startClient): timelines, typing, receipts, presence and read
// markers arrive as a real client expects, and a client that sleeps through 500 messages catches up with a
// limited timeline plus back-pagination and sees every message exactly once.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { ReceiptType, RoomEvent, RoomMemberEvent, UserEvent } from "matrix-js-sdk";
import { useServer } from "../harness.mjs";
import { newUser, startSyncing, waitForEvent, withTimeout } from "../clients.mjs";

/**
 * A fetch that can hold every /sync request (a client "asleep": its lid shut) and records the events that
 * /sync timelines and /messages pages hand over, so duplicates are seen even where the SDK would hide them.
 * The client falls asleep right after a sync response that carries a given message: no sync request is in flight
 * then, so what is sent while it sleeps reaches it only after it wakes.
 */
function sleepyFetch() {
  let gate = null;
  let bedtime = null;
  const delivered = [];
  async function fetchFn(url, init) {
    const path = new URL(String(url)).pathname;
    const isSync = path.endsWith("/sync");
    if (gate && isSync) {
      gate.reached();
      await gate.promise;
    }
    const response = await fetch(url, init);
    if (response.ok && (isSync || path.endsWith("/messages"))) {
      const body = await response.clone().json();
      const events = path.endsWith("/messages") ? body.chunk : Object.values(body.rooms?.join ?? {}).flatMap((room) => room.timeline?.events ?? []);
      delivered.push(...events);
      if (isSync && bedtime && events.some((event) => event.content?.body === bedtime.body)) {
        gate = bedtime.gate;
        bedtime = null;
      }
    }
    return response;
  }
  return {
    fetchFn,
    delivered,
    /** Falls asleep once a sync hands over the message `body`; resolves when the next sync request is held. */
    sleepAfter(body) {
      let release;
      let reached;
      const promise = new Promise((resolve) => (release = resolve));
      const asleep = new Promise((resolve) => (reached = resolve));
      bedtime = { body, gate: { promise, release, reached } };
      return asleep;
    },
    wake() {
      gate?.release();
      gate = null;
    },
  };
}

describe("sync loop (matrix-js-sdk startClient)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });
  const running = [];
  after(() => running.forEach((client) => client.stopClient()));

  /** Two syncing users in one room. */
  async function chattingPair(options = {}) {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob", options.bob);
    const { room_id: roomId } = await alice.createRoom({ preset: "private_chat", name: "sync chat" });
    await alice.invite(roomId, bob.getUserId());
    await bob.joinRoom(roomId);
    running.push(alice, bob);
    await Promise.all([startSyncing(alice), startSyncing(bob)]);
    return { alice, bob, roomId };
  }

  test("timeline, typing, receipts, presence and read markers arrive through the sync loop", async () => {
    const { alice, bob, roomId } = await chattingPair();

    // A message from alice reaches bob's live timeline.
    const arrived = waitForEvent(bob, RoomEvent.Timeline, (event) => event.getContent().body === "hello bob", "alice's message");
    const { event_id: messageId } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "hello bob" });
    const [message, room] = await arrived;
    assert.equal(message.getId(), messageId);
    assert.equal(room.roomId, roomId);

    // Typing starts and stops.
    const typing = waitForEvent(bob, RoomMemberEvent.Typing, (_, member) => member.userId === alice.getUserId() && member.typing, "typing");
    await alice.sendTyping(roomId, true, 30_000);
    await typing;
    const stopped = waitForEvent(bob, RoomMemberEvent.Typing, (_, member) => member.userId === alice.getUserId() && !member.typing, "typing to stop");
    await alice.sendTyping(roomId, false);
    await stopped;

    // bob's read receipt reaches alice.
    const receipt = waitForEvent(alice, RoomEvent.Receipt, (_, r) => r.getEventReadUpTo(bob.getUserId()) === messageId, "bob's receipt");
    await bob.sendReadReceipt(message, ReceiptType.Read);
    await receipt;

    // alice's presence and status reach bob, who shares a room with her.
    // The SDK fires Presence only when the state word changes; LastPresenceTs fires on every presence event.
    const presence = waitForEvent(bob, UserEvent.LastPresenceTs, (_, user) => user?.userId === alice.getUserId() && user.presenceStatusMsg === "writing tests", "alice's presence");
    await alice.setPresence({ presence: "online", status_msg: "writing tests" });
    const [, user] = await presence;
    assert.equal(user.presence, "online");

    // bob's read marker comes back to bob as room account data.
    const bobsRoom = bob.getRoom(roomId);
    const marker = waitForEvent(bobsRoom, RoomEvent.AccountData, (event) => event.getType() === "m.fully_read" && event.getContent().event_id === messageId, "bob's read marker");
    await bob.setRoomReadMarkers(roomId, messageId);
    await marker;
  });

  test("a client asleep through 500 messages catches up with a limited timeline and back-pagination, each message once", async () => {
    const sleepy = sleepyFetch();
    const { alice, bob, roomId } = await chattingPair({ bob: { fetchFn: sleepy.fetchFn } });

    const seen = new Map();
    bob.on(RoomEvent.Timeline, (event, room) => {
      if (room?.roomId === roomId && event.getType() === "m.room.message") seen.set(event.getContent().body, (seen.get(event.getContent().body) ?? 0) + 1);
    });
    const marked = waitForEvent(bob, RoomEvent.Timeline, (event) => event.getContent().body === "before sleep", "the last message before sleep");
    const asleep = sleepy.sleepAfter("before sleep");
    await alice.sendMessage(roomId, { msgtype: "m.text", body: "before sleep" });
    await Promise.all([marked, withTimeout(asleep, "bob's next sync request to be held")]);

    const bodies = Array.from({ length: 500 }, (_, i) => `while asleep ${i}`);
    for (let i = 0; i < bodies.length; i += 25) {
      // Sequential batches keep the order known; within a batch the sends are awaited one by one too.
      for (const body of bodies.slice(i, i + 25)) await alice.sendMessage(roomId, { msgtype: "m.text", body });
    }

    const caughtUp = waitForEvent(bob, RoomEvent.Timeline, (event) => event.getContent().body === bodies.at(-1), "the newest message after waking");
    sleepy.wake();
    await caughtUp;

    const room = bob.getRoom(roomId);
    const live = () => room.getLiveTimeline().getEvents().filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body);
    assert.ok(!live().includes("before sleep"), "the gap made the SDK start a fresh live timeline");
    for (let pages = 0; !live().includes("before sleep"); pages++) {
      assert.ok(pages < 100, "back-pagination reaches the message before the sleep");
      await bob.scrollback(room, 50);
    }

    const timeline = live();
    assert.deepEqual(timeline.slice(timeline.indexOf("before sleep")), ["before sleep", ...bodies]);
    for (const body of bodies) assert.equal(seen.get(body), 1, `${body} reached the client once`);
    const deliveredIds = sleepy.delivered.filter((e) => bodies.includes(e.content?.body)).map((e) => e.event_id);
    assert.equal(deliveredIds.length, 500, "the server handed over each message exactly once");
    assert.equal(new Set(deliveredIds).size, 500);
  });
});
