"""Device management through matrix-nio: list, rename, and delete with the m.login.password UIA stage."""

import os
import unittest
import uuid

from nio.responses import (
    DeleteDevicesAuthResponse,
    DeleteDevicesResponse,
    DevicesResponse,
    LoginResponse,
    RegisterResponse,
    UpdateDeviceResponse,
    WhoamiError,
    WhoamiResponse,
)

from ranvier_server import RanvierTestCase


class DeviceTests(RanvierTestCase):
    server_env = {"RANVIER_REGISTRATION__MODE": "open"}

    async def _login(self, localpart, password, device_name):
        client = self.nio_client(user=localpart)
        login = await client.login(password, device_name=device_name)
        self.assertIsInstance(login, LoginResponse, str(login))
        return client

    async def test_devices_are_listed_renamed_and_deleted_after_password_auth(self):
        localpart = f"carol-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        password = "pw for devices"
        user_id = f"@{localpart}:{self.server.server_name}"
        registered = await self.nio_client().register(localpart, password, "first")
        self.assertIsInstance(registered, RegisterResponse, str(registered))

        laptop = await self._login(localpart, password, "laptop")
        phone = await self._login(localpart, password, "phone")

        listed = await laptop.devices()
        self.assertIsInstance(listed, DevicesResponse, str(listed))
        names = {d.id: d.display_name for d in listed.devices}
        self.assertEqual(names.get(phone.device_id), "phone")

        renamed = await laptop.update_device(phone.device_id, {"display_name": "old phone"})
        self.assertIsInstance(renamed, UpdateDeviceResponse, str(renamed))
        listed = await laptop.devices()
        self.assertEqual({d.id: d.display_name for d in listed.devices}[phone.device_id], "old phone")

        # Without auth, nio gets the UIA challenge: the password flow and a session to continue.
        challenge = await laptop.delete_devices([phone.device_id])
        self.assertIsInstance(challenge, DeleteDevicesAuthResponse, str(challenge))
        self.assertIn({"stages": ["m.login.password"]}, challenge.flows)

        auth = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user_id},
            "password": password,
            "session": challenge.session,
        }
        deleted = await laptop.delete_devices([phone.device_id], auth)
        self.assertIsInstance(deleted, DeleteDevicesResponse, str(deleted))

        refused = await phone.whoami()
        self.assertIsInstance(refused, WhoamiError, str(refused))
        self.assertEqual(refused.status_code, "M_UNKNOWN_TOKEN")
        still = await laptop.whoami()
        self.assertIsInstance(still, WhoamiResponse, str(still))


if __name__ == "__main__":
    unittest.main()
