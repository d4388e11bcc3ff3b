// Rooms through matrix-js-sdk without /sync (a later issue): create, invite, join, chat, and read the timeline
// back with /messages and /event, with history visibility enforced.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Direction } from "matrix-js-sdk";
import { useServer } from "../harness.mjs";
import { newUser } from "../clients.mjs";

/** Pages backwards through a room with /messages until `end` is absent; returns the events newest first. */
async function allBackwards(client, roomId, limit) {
  const events = [];
  let from = null;
  for (;;) {
    const page = await client.createMessagesRequest(roomId, from, limit, Direction.Backward);
    assert.ok(page.chunk.length <= limit, `a page holds at most ${limit} events`);
    events.push(...page.chunk);
    if (!page.end) return events;
    from = page.end;
  }
}

const messagesOf = (events) => events.filter((e) => e.type === "m.room.message");

describe("rooms (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("two users create a room, invite, join and chat; both read the conversation in order", async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    const { room_id: roomId } = await alice.createRoom({ preset: "private_chat", name: "chat" });
    await alice.invite(roomId, bob.getUserId());
    await bob.joinRoom(roomId);

    const sent = [];
    for (const [client, body] of [[alice, "hi bob"], [bob, "hi alice"], [alice, "how are you?"]]) {
      sent.push((await client.sendMessage(roomId, { msgtype: "m.text", body })).event_id);
    }

    for (const reader of [alice, bob]) {
      const page = await reader.createMessagesRequest(roomId, null, 10, Direction.Backward);
      assert.deepEqual(messagesOf(page.chunk).map((e) => e.event_id), [...sent].reverse());
      assert.deepEqual(messagesOf(page.chunk).map((e) => e.content.body), ["how are you?", "hi alice", "hi bob"]);
      // Forwards from the end of a backwards page (or from the start, when the page reached it) reads it again, oldest first.
      const forwards = await reader.createMessagesRequest(roomId, page.end ?? null, 10, Direction.Forward);
      assert.deepEqual(forwards.chunk.map((e) => e.event_id), page.chunk.map((e) => e.event_id).reverse());
    }
    const fetched = await bob.fetchRoomEvent(roomId, sent[0]);
    assert.equal(fetched.content.body, "hi bob");
    assert.equal(fetched.sender, alice.getUserId());
  });

  test("1,000 messages page back in order with no gaps or duplicates", async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    const { room_id: roomId } = await alice.createRoom({ preset: "public_chat" });
    await bob.joinRoom(roomId);

    // Modest parallel batches; within a batch the server orders them, so the expected order is read back by body.
    const sentByBody = new Map();
    for (let batch = 0; batch < 1000; batch += 25) {
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) => {
          const body = `message ${batch + i}`;
          const sender = (batch + i) % 2 === 0 ? alice : bob;
          return sender.sendMessage(roomId, { msgtype: "m.text", body }).then((r) => [body, r.event_id]);
        }),
      );
      for (const [body, eventId] of results) sentByBody.set(body, eventId);
    }

    const events = messagesOf(await allBackwards(bob, roomId, 37));
    assert.equal(events.length, 1000);
    assert.equal(new Set(events.map((e) => e.event_id)).size, 1000, "no duplicates");
    for (const e of events) assert.equal(sentByBody.get(e.content.body), e.event_id);
    // Batches were sent one after another: every event of a later batch comes before (newer than) an earlier batch's.
    const batchOf = (e) => Math.floor(Number(e.content.body.split(" ")[1]) / 25);
    for (let i = 1; i < events.length; i++) {
      assert.ok(batchOf(events[i - 1]) >= batchOf(events[i]), `event ${i} is out of order`);
    }
  });

  test("a later joiner cannot read a joined-visibility room's history from before their join", async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    const carol = await newUser(server(), "carol");
    const { room_id: roomId } = await alice.createRoom({
      preset: "public_chat",
      initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }],
    });
    await bob.joinRoom(roomId);
    const old = (await alice.sendMessage(roomId, { msgtype: "m.text", body: "before carol" })).event_id;
    await bob.sendMessage(roomId, { msgtype: "m.text", body: "also before carol" });

    await carol.joinRoom(roomId);
    const fresh = (await alice.sendMessage(roomId, { msgtype: "m.text", body: "welcome carol" })).event_id;

    const carolSees = messagesOf(await allBackwards(carol, roomId, 10)).map((e) => e.content.body);
    assert.deepEqual(carolSees, ["welcome carol"]);
    const bobSees = messagesOf(await allBackwards(bob, roomId, 10)).map((e) => e.content.body);
    assert.deepEqual(bobSees, ["welcome carol", "also before carol", "before carol"]);

    assert.equal((await carol.fetchRoomEvent(roomId, fresh)).content.body, "welcome carol");
    await assert.rejects(carol.fetchRoomEvent(roomId, old), (err) => err.httpStatus === 404 && err.errcode === "M_NOT_FOUND");
  });
});
