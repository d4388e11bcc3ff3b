// Notification counts as matrix-js-sdk shows them: unread and highlight counts of a room change as messages and
// mentions arrive and as the user sends a read receipt (spec: "Receiving notifications", "Marking notifications as read").
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NotificationCountType, ReceiptType, RoomEvent } from "matrix-js-sdk";
import { useServer } from "../harness.mjs";
import { newUser, startSyncing, waitForEvent } from "../clients.mjs";

/** Resolves once the room's counts are `total` and `highlight` (checking now and on every count change). */
function countsReach(room, total, highlight, what) {
  const reached = () =>
    room.getUnreadNotificationCount(NotificationCountType.Total) === total &&
    room.getUnreadNotificationCount(NotificationCountType.Highlight) === highlight;
  if (reached()) return Promise.resolve();
  return waitForEvent(room, RoomEvent.UnreadNotifications, reached, what);
}

describe("notification counts (matrix-js-sdk)", () => {
  const server = useServer({ env: { RANVIER_REGISTRATION__MODE: "open" } });

  test("messages and mentions raise the counts, a read receipt clears them", { timeout: 90_000 }, async () => {
    const alice = await newUser(server(), "alice");
    const bob = await newUser(server(), "bob");
    const { room_id: roomId } = await alice.createRoom({ preset: "public_chat" });
    await bob.joinRoom(roomId);
    await startSyncing(bob);
    try {
      const room = bob.getRoom(roomId);
      assert.ok(room, "bob's client knows the room");

      const counted = countsReach(room, 2, 0, "two unread messages");
      await alice.sendTextMessage(roomId, "one");
      await alice.sendTextMessage(roomId, "two");
      await counted;

      const highlighted = countsReach(room, 3, 1, "a highlighted mention");
      const { event_id: mention } = await alice.sendMessage(roomId, {
        msgtype: "m.text",
        body: `hello ${bob.getUserId()}`,
        "m.mentions": { user_ids: [bob.getUserId()] },
      });
      await highlighted;

      // The receipt's own sync response carries the server's new counts; a message after it proves they are the
      // server's and not a local guess.
      // The counts came in the sync that carried the mention, so the event is in bob's timeline by now.
      const cleared = countsReach(room, 0, 0, "counts cleared by the receipt");
      await bob.sendReadReceipt(room.findEventById(mention), ReceiptType.Read);
      await cleared;

      const again = countsReach(room, 1, 0, "one new message after the receipt");
      await alice.sendTextMessage(roomId, "three");
      await again;
    } finally {
      bob.stopClient();
    }
  });
});
