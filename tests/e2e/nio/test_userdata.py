"""Profiles through matrix-nio: display name and avatar of a registered account."""

import unittest
import uuid

from nio.responses import (
    ProfileGetAvatarResponse,
    ProfileGetDisplayNameResponse,
    ProfileGetError,
    ProfileGetResponse,
    ProfileSetAvatarError,
    ProfileSetAvatarResponse,
    ProfileSetDisplayNameResponse,
)

from ranvier_server import RanvierTestCase


class UserDataTests(RanvierTestCase):
    server_env = {"RANVIER_REGISTRATION__MODE": "open"}

    async def test_a_new_account_shows_its_localpart_then_the_name_it_sets(self):
        client = await self.registered_client("carol")
        localpart = client.localpart

        initial = await client.get_displayname()
        self.assertIsInstance(initial, ProfileGetDisplayNameResponse, str(initial))
        self.assertEqual(initial.displayname, localpart)

        set_name = await client.set_displayname("Carol Ⓒ")
        self.assertIsInstance(set_name, ProfileSetDisplayNameResponse, str(set_name))
        profile = await client.get_profile()
        self.assertIsInstance(profile, ProfileGetResponse, str(profile))
        self.assertEqual(profile.displayname, "Carol Ⓒ")

    async def test_an_avatar_must_be_an_mxc_uri_and_is_read_back(self):
        client = await self.registered_client("dave")
        avatar = f"mxc://{self.server.server_name}/dave_avatar"

        refused = await client.set_avatar("https://example.org/dave.png")
        self.assertIsInstance(refused, ProfileSetAvatarError, str(refused))
        self.assertEqual(refused.status_code, "M_INVALID_PARAM")

        stored = await client.set_avatar(avatar)
        self.assertIsInstance(stored, ProfileSetAvatarResponse, str(stored))
        read = await client.get_avatar()
        self.assertIsInstance(read, ProfileGetAvatarResponse, str(read))
        self.assertEqual(read.avatar_url, avatar)
        profile = await client.get_profile()
        self.assertEqual(profile.avatar_url, avatar)

    async def test_an_unknown_user_has_no_profile(self):
        client = await self.registered_client("erin")

        missing = await client.get_profile(f"@nobody-{uuid.uuid4().hex[:8]}:{self.server.server_name}")

        self.assertIsInstance(missing, ProfileGetError, str(missing))
        self.assertEqual(missing.status_code, "M_NOT_FOUND")


if __name__ == "__main__":
    unittest.main()
