"""Rooms through matrix-nio: a second user joins a room another created, both talk, and membership changes."""

import unittest

from nio.api import RoomPreset
from nio.responses import (
    JoinedMembersResponse,
    JoinError,
    JoinResponse,
    RoomBanResponse,
    RoomCreateResponse,
    RoomForgetResponse,
    RoomGetEventResponse,
    RoomGetStateResponse,
    RoomKickResponse,
    RoomLeaveResponse,
    RoomSendResponse,
)

from ranvier_server import RanvierTestCase


class RoomTests(RanvierTestCase):
    server_env = {"RANVIER_REGISTRATION__MODE": "open"}

    async def public_room(self, owner, name):
        created = await owner.room_create(name=name, preset=RoomPreset.public_chat)
        self.assertIsInstance(created, RoomCreateResponse, str(created))
        return created.room_id

    async def test_a_user_joins_a_room_another_created_and_they_read_each_others_messages(self):
        alice = await self.registered_client("alice")
        bob = await self.registered_client("bob")
        room_id = await self.public_room(alice, "Lobby")

        joined = await bob.join(room_id)
        self.assertIsInstance(joined, JoinResponse, str(joined))
        self.assertEqual(joined.room_id, room_id)

        sent = await bob.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hello alice"})
        self.assertIsInstance(sent, RoomSendResponse, str(sent))
        reply = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hello bob"})
        self.assertIsInstance(reply, RoomSendResponse, str(reply))

        seen_by_alice = await alice.room_get_event(room_id, sent.event_id)
        self.assertIsInstance(seen_by_alice, RoomGetEventResponse, str(seen_by_alice))
        self.assertEqual(seen_by_alice.event.body, "hello alice")
        self.assertEqual(seen_by_alice.event.sender, bob.user_id)
        seen_by_bob = await bob.room_get_event(room_id, reply.event_id)
        self.assertIsInstance(seen_by_bob, RoomGetEventResponse, str(seen_by_bob))
        self.assertEqual(seen_by_bob.event.body, "hello bob")

        state = await bob.room_get_state(room_id)
        self.assertIsInstance(state, RoomGetStateResponse, str(state))
        members = {e["state_key"]: e["content"]["membership"] for e in state.events if e["type"] == "m.room.member"}
        self.assertEqual(members, {alice.user_id: "join", bob.user_id: "join"})
        names = [e["content"]["name"] for e in state.events if e["type"] == "m.room.name"]
        self.assertEqual(names, ["Lobby"])

        joined_members = await alice.joined_members(room_id)
        self.assertIsInstance(joined_members, JoinedMembersResponse, str(joined_members))
        self.assertEqual(sorted(m.user_id for m in joined_members.members), sorted([alice.user_id, bob.user_id]))

    async def test_kick_ban_and_forget(self):
        alice = await self.registered_client("alice")
        bob = await self.registered_client("bob")
        room_id = await self.public_room(alice, "Strict")
        self.assertIsInstance(await bob.join(room_id), JoinResponse)

        kicked = await alice.room_kick(room_id, bob.user_id, reason="cool down")
        self.assertIsInstance(kicked, RoomKickResponse, str(kicked))
        self.assertIsInstance(await bob.join(room_id), JoinResponse, "a kicked user may rejoin a public room")

        banned = await alice.room_ban(room_id, bob.user_id, reason="again")
        self.assertIsInstance(banned, RoomBanResponse, str(banned))
        refused = await bob.join(room_id)
        self.assertIsInstance(refused, JoinError, str(refused))
        self.assertEqual(refused.status_code, "M_FORBIDDEN")

        self.assertIsInstance(await alice.room_leave(room_id), RoomLeaveResponse)
        forgotten = await alice.room_forget(room_id)
        self.assertIsInstance(forgotten, RoomForgetResponse, str(forgotten))


if __name__ == "__main__":
    unittest.main()
