"""/sync through matrix-nio's sync calls: the loop sees messages, typing, receipts, read markers and presence, and a
client that sleeps through messages catches up with a limited timeline and /messages, each message once."""

from nio.api import RoomPreset
from nio.events import PresenceEvent, ReceiptEvent, RoomMessageText, TypingNoticeEvent
from nio.responses import (
    JoinResponse,
    RoomCreateResponse,
    RoomMessagesResponse,
    RoomSendResponse,
    SyncResponse,
)

from ranvier_server import RanvierTestCase

# The long-poll timeout every sync here uses: a sync returns as soon as news arrives, so this only bounds a failure.
LONG_POLL_MS = 20_000


class SyncTests(RanvierTestCase):
    server_env = {"RANVIER_REGISTRATION__MODE": "open"}

    async def pair_in_a_room(self):
        alice = await self.registered_client("alice")
        bob = await self.registered_client("bob")
        created = await alice.room_create(name="Sync", preset=RoomPreset.public_chat)
        self.assertIsInstance(created, RoomCreateResponse, str(created))
        self.assertIsInstance(await bob.join(created.room_id), JoinResponse)
        return alice, bob, created.room_id

    async def sync(self, client, since, **kwargs):
        response = await client.sync(timeout=LONG_POLL_MS, since=since, **kwargs)
        self.assertIsInstance(response, SyncResponse, str(response))
        return response

    async def sync_until(self, client, since, found, what):
        """Syncs (long-polling) until `found(response)` returns something truthy; returns it and the next token."""
        for _ in range(20):
            response = await self.sync(client, since)
            since = response.next_batch
            result = found(response)
            if result:
                return result, since
        self.fail(f"never saw {what}")

    async def send_text(self, client, room_id, body):
        sent = await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})
        self.assertIsInstance(sent, RoomSendResponse, str(sent))
        return sent.event_id

    async def test_the_sync_loop_sees_messages_typing_receipts_read_markers_and_presence(self):
        alice, bob, room_id = await self.pair_in_a_room()
        initial = await self.sync(bob, None, full_state=True)
        self.assertIn(room_id, initial.rooms.join)
        bob_since = initial.next_batch
        alice_since = (await self.sync(alice, None)).next_batch

        message_id = await self.send_text(alice, room_id, "hello from alice")

        def message(response):
            room = response.rooms.join.get(room_id)
            return room and next((e for e in room.timeline.events if isinstance(e, RoomMessageText) and e.event_id == message_id), None)

        event, bob_since = await self.sync_until(bob, bob_since, message, "alice's message")
        self.assertEqual(event.body, "hello from alice")
        self.assertEqual(event.sender, alice.user_id)

        await alice.room_typing(room_id, True, 30_000)

        def typing(response):
            room = response.rooms.join.get(room_id)
            return room and next((e for e in room.ephemeral if isinstance(e, TypingNoticeEvent) and alice.user_id in e.users), None)

        _, bob_since = await self.sync_until(bob, bob_since, typing, "alice typing")

        await bob.room_read_markers(room_id, message_id, message_id)

        def receipt(response):
            room = response.rooms.join.get(room_id)
            return room and next(
                (r for e in room.ephemeral if isinstance(e, ReceiptEvent) for r in e.receipts if r.user_id == bob.user_id and r.event_id == message_id),
                None,
            )

        found, alice_since = await self.sync_until(alice, alice_since, receipt, "bob's read receipt")
        self.assertEqual(found.receipt_type, "m.read")

        def fully_read(response):
            room = response.rooms.join.get(room_id)
            return room and next((e for e in room.account_data if getattr(e, "event_id", None) == message_id), None)

        await self.sync_until(bob, bob_since, fully_read, "bob's m.fully_read marker")

        await alice.set_presence("online", "testing sync")

        def presence(response):
            return next((e for e in response.presence_events if isinstance(e, PresenceEvent) and e.user_id == alice.user_id and e.status_msg == "testing sync"), None)

        seen, _ = await self.sync_until(bob, bob_since, presence, "alice's presence")
        self.assertEqual(seen.presence, "online")

    async def test_a_client_asleep_through_60_messages_catches_up_with_a_limited_timeline_and_messages(self):
        alice, bob, room_id = await self.pair_in_a_room()
        await self.send_text(alice, room_id, "before sleep")
        timeline_filter = {"room": {"timeline": {"limit": 10}}}
        asleep_at = (await self.sync(bob, None, sync_filter=timeline_filter)).next_batch

        bodies = [f"while asleep {i}" for i in range(60)]
        for body in bodies:
            await self.send_text(alice, room_id, body)

        woke = await bob.sync(timeout=0, since=asleep_at, sync_filter=timeline_filter)
        self.assertIsInstance(woke, SyncResponse, str(woke))
        timeline = woke.rooms.join[room_id].timeline
        self.assertTrue(timeline.limited)
        self.assertEqual([e.body for e in timeline.events], bodies[-10:])

        received = [e.body for e in timeline.events]
        token = timeline.prev_batch
        while "before sleep" not in received:
            page = await bob.room_messages(room_id, token, limit=25)
            self.assertIsInstance(page, RoomMessagesResponse, str(page))
            self.assertTrue(page.chunk, "back-pagination reaches the message before the sleep")
            received = [e.body for e in reversed(page.chunk) if isinstance(e, RoomMessageText)] + received
            token = page.end

        self.assertEqual(received[received.index("before sleep"):], ["before sleep", *bodies])
