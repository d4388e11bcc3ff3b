"""Account life cycle through matrix-nio: register, log in, ask who we are."""

import os
import unittest
import uuid

from nio.responses import LoginResponse, LogoutResponse, RegisterResponse, WhoamiError, WhoamiResponse

from ranvier_server import RanvierTestCase


class AccountTests(RanvierTestCase):
    server_env = {"RANVIER_REGISTRATION__MODE": "open"}

    async def test_register_then_password_login_then_whoami_names_the_user(self):
        localpart = f"bob-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        password = "correct horse battery staple"
        user_id = f"@{localpart}:{self.server.server_name}"

        # nio registers with an m.login.dummy auth dict in the first request.
        registered = await self.nio_client().register(localpart, password, "e2e registration")
        self.assertIsInstance(registered, RegisterResponse, str(registered))
        self.assertEqual(registered.user_id, user_id)

        client = self.nio_client(user=localpart)
        login = await client.login(password, device_name="e2e login")
        self.assertIsInstance(login, LoginResponse, str(login))
        self.assertEqual(login.user_id, user_id)
        self.assertNotEqual(login.access_token, registered.access_token)

        me = await client.whoami()
        self.assertIsInstance(me, WhoamiResponse, str(me))
        self.assertEqual(me.user_id, user_id)

        # Logging out ends the session: the same token is refused afterwards.
        token = client.access_token
        logout = await client.logout()
        self.assertIsInstance(logout, LogoutResponse, str(logout))
        stale = self.nio_client(user=localpart, access_token=token)
        refused = await stale.whoami()
        self.assertIsInstance(refused, WhoamiError, str(refused))
        self.assertEqual(refused.status_code, "M_UNKNOWN_TOKEN")


if __name__ == "__main__":
    unittest.main()
