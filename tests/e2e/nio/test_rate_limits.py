"""Login rate limits through matrix-nio: a 429 carries retry_after_ms, and nio's own retry honours it.

(nio cannot register with a registration token or as a guest, so those scenarios live in the js suite.)
"""

import os
import unittest
import uuid

from nio import AsyncClient, AsyncClientConfig
from nio.responses import LoginError, LoginResponse, RegisterResponse

from ranvier_server import RanvierTestCase


class LoginRateLimitTests(RanvierTestCase):
    # One login per account at once, refilled after 2 s: longer than a login's password check takes on a
    # loaded machine, so the second login is limited; short enough for nio's retry to wait it out.
    server_env = {
        "RANVIER_REGISTRATION__MODE": "open",
        "RANVIER_RATE_LIMITS__LOGIN_PER_ACCOUNT__PER_SECOND": "0.5",
        "RANVIER_RATE_LIMITS__LOGIN_PER_ACCOUNT__BURST": "1",
    }

    def client(self, user, max_limit_exceeded=None):
        client = AsyncClient(self.server.base_url, user, config=AsyncClientConfig(max_limit_exceeded=max_limit_exceeded))
        self.addAsyncCleanup(client.close)
        return client

    async def test_a_burst_of_logins_is_limited_and_nio_retries_after_the_given_wait(self):
        localpart = f"carol-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        registered = await self.nio_client().register(localpart, "pw", "e2e")
        self.assertIsInstance(registered, RegisterResponse, str(registered))

        first = await self.client(localpart).login("pw")
        self.assertIsInstance(first, LoginResponse, str(first))

        # A client that gives up on the first 429 sees the error and the wait.
        limited = await self.client(localpart, max_limit_exceeded=0).login("pw")
        self.assertIsInstance(limited, LoginError, str(limited))
        self.assertEqual(limited.status_code, "M_LIMIT_EXCEEDED")
        self.assertGreater(limited.retry_after_ms, 0)
        self.assertLessEqual(limited.retry_after_ms, 2000)

        # nio's default retries after retry_after_ms, and by then the bucket has refilled.
        retried = await self.client(localpart).login("pw")
        self.assertIsInstance(retried, LoginResponse, str(retried))


if __name__ == "__main__":
    unittest.main()
