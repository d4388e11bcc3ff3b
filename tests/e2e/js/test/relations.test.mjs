// Redactions, edits, reactions, threads and references through matrix-js-sdk's HTTP methods (no /sync yet):
// two users chat in a room and read back what the server makes of each relation.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useServer } from "../harness.mjs";
import { newUser } from "../clients.mjs";

/** alice creates a public room and bob joins it. */
async function chat(server) {
  const alice = await newUser(server, "alice");
  const bob = await newUser(server, "bob");
  const { room_id: roomId } = await alice.createRoom({ preset: "public_chat", name: "relations" });
  await bob.joinRoom(roomId);
  return { alice, bob, roomId };
}

const relatesTo = (relType, eventId, extra = {}) => ({ "m.relates_to": { rel_type: relType, event_id: eventId, ...extra } });

describe("relations and redactions (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("an edit is bundled as m.replace on the original, whose content stays as sent", async () => {
    const { alice, bob, roomId } = await chat(server());
    const { event_id: original } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "helo bob" });
    const { event_id: edit } = await alice.sendEvent(roomId, "m.room.message", {
      msgtype: "m.text",
      body: "* hello bob",
      "m.new_content": { msgtype: "m.text", body: "hello bob" },
      ...relatesTo("m.replace", original),
    });

    const seen = await bob.fetchRoomEvent(roomId, original);
    assert.equal(seen.content.body, "helo bob", "servers no longer apply edits (spec v1.7)");
    const replace = seen.unsigned["m.relations"]["m.replace"];
    assert.equal(replace.event_id, edit);
    assert.equal(replace.sender, alice.getUserId());
    assert.equal(replace.content["m.new_content"].body, "hello bob");

    const edits = await bob.fetchRelations(roomId, original, "m.replace", "m.room.message");
    assert.deepEqual(edits.chunk.map((e) => e.event_id), [edit]);
  });

  test("reactions are listed as relations but not aggregated; a duplicate reaction is refused", async () => {
    const { alice, bob, roomId } = await chat(server());
    const { event_id: message } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "lunch?" });
    const { event_id: reaction } = await bob.sendEvent(roomId, "m.reaction", relatesTo("m.annotation", message, { key: "👍" }));

    await assert.rejects(bob.sendEvent(roomId, "m.reaction", relatesTo("m.annotation", message, { key: "👍" })),
      (e) => e.errcode === "M_DUPLICATE_ANNOTATION" && e.httpStatus === 400);
    const { events } = await alice.relations(roomId, message, "m.annotation", "m.reaction");
    assert.deepEqual(events.map((e) => e.getId()), [reaction]);
    assert.equal(events[0].getContent()["m.relates_to"].key, "👍");
    const seen = await alice.fetchRoomEvent(roomId, message);
    assert.equal(seen.unsigned["m.relations"], undefined, "m.annotation is not aggregated by servers");
  });

  test("thread replies are bundled on the root and listed by the threads API", async () => {
    const { alice, bob, roomId } = await chat(server());
    const { event_id: root } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "thread about lunch" });
    await bob.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "pizza", ...relatesTo("m.thread", root) });
    const { event_id: latest } = await alice.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "ok", ...relatesTo("m.thread", root) });

    const thread = (await bob.fetchRoomEvent(roomId, root)).unsigned["m.relations"]["m.thread"];
    assert.equal(thread.count, 2);
    assert.equal(thread.current_user_participated, true);
    assert.equal(thread.latest_event.event_id, latest);
    assert.equal(thread.latest_event.content.body, "ok");

    const replies = await alice.fetchRelations(roomId, root, "m.thread", null, { limit: 1 });
    assert.deepEqual(replies.chunk.map((e) => e.event_id), [latest]);
    assert.ok(replies.next_batch, "a second page exists");
    const more = await alice.fetchRelations(roomId, root, "m.thread", null, { from: replies.next_batch, limit: 1 });
    assert.equal(more.chunk[0].content.body, "pizza");

    const threads = await bob.http.authedRequest("GET", `/rooms/${encodeURIComponent(roomId)}/threads`, undefined, undefined, { prefix: "/_matrix/client/v1" });
    assert.deepEqual(threads.chunk.map((e) => e.event_id), [root]);
  });

  test("a redaction empties the message, names itself in redacted_because and breaks its relations", async () => {
    const { alice, bob, roomId } = await chat(server());
    const { event_id: message } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "secret" });
    const { event_id: reference } = await bob.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body: "see above", ...relatesTo("m.reference", message) });
    assert.deepEqual((await alice.fetchRoomEvent(roomId, message)).unsigned["m.relations"]["m.reference"].chunk, [{ event_id: reference }]);

    await assert.rejects(bob.redactEvent(roomId, message), (e) => e.errcode === "M_FORBIDDEN" && e.httpStatus === 403);
    const { event_id: redaction } = await bob.redactEvent(roomId, reference, undefined, { reason: "off topic" });
    await alice.redactEvent(roomId, message);

    const redacted = await bob.fetchRoomEvent(roomId, reference);
    assert.deepEqual(redacted.content, {});
    assert.equal(redacted.unsigned.redacted_because.event_id, redaction);
    assert.equal(redacted.unsigned.redacted_because.content.reason, "off topic");
    assert.deepEqual((await bob.fetchRoomEvent(roomId, message)).content, {});
    assert.deepEqual((await alice.fetchRelations(roomId, message, null)).chunk, [], "a redacted child is no longer related");
  });

  test("an event is reported by a member; a stranger gets 404 for it", async () => {
    const { alice, bob, roomId } = await chat(server());
    const stranger = await newUser(server(), "eve");
    const { event_id: message } = await alice.sendMessage(roomId, { msgtype: "m.text", body: "spam" });

    await bob.reportEvent(roomId, message, -100, "spam");
    await assert.rejects(stranger.reportEvent(roomId, message, -100, "spam"), (e) => e.errcode === "M_NOT_FOUND" && e.httpStatus === 404);
  });
});
