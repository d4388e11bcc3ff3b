"""End-to-end encryption between two independent implementations: matrix-nio with python-olm and matrix-js-sdk with
its Rust crypto (a peer process, tests/e2e/js/peer/e2ee-peer.mjs) decrypt each other's messages in one room."""

import asyncio
import json
import os
import tempfile
from pathlib import Path

from nio import AsyncClientConfig
from nio.events import MegolmEvent, RoomMessageText
from nio.responses import RegisterResponse, RoomCreateResponse, RoomSendResponse, SyncResponse

from ranvier_server import RanvierTestCase

JS_DIR = Path(__file__).resolve().parent.parent / "js"
NODE = JS_DIR / "node_modules" / ".bin" / "node"
LONG_POLL_MS = 10_000
PEER_TIMEOUT_S = 60


class JsPeer:
    """The matrix-js-sdk side: a node process spoken to in JSON lines."""

    def __init__(self, process):
        self.process = process

    @classmethod
    async def start(cls, base_url):
        process = await asyncio.create_subprocess_exec(
            str(NODE), str(JS_DIR / "peer" / "e2ee-peer.mjs"),
            cwd=str(JS_DIR), env={**os.environ, "RANVIER_URL": base_url},
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        return cls(process)

    async def read(self):
        """The next JSON message of the peer (its SDK may print other lines); fails on an error report or a timeout."""
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), PEER_TIMEOUT_S)
            if not line:
                raise AssertionError("the js peer exited early")
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict):
                if "error" in message:
                    raise AssertionError(f"js peer: {message['error']}")
                return message

    async def write(self, message):
        self.process.stdin.write((message if isinstance(message, str) else json.dumps(message)).encode() + b"\n")
        await self.process.stdin.drain()

    async def stop(self):
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


class CryptoInteropTests(RanvierTestCase):
    server_env = {"RANVIER_REGISTRATION__MODE": "open"}

    async def encrypting_client(self, prefix):
        """A registered nio client with encryption on (olm account in a temporary store), keys uploaded."""
        store = tempfile.TemporaryDirectory()
        self.addCleanup(store.cleanup)
        registered = await self.nio_client().register(f"{prefix}-{os.getpid()}-{os.urandom(4).hex()}", "correct horse battery staple", "e2e")
        self.assertIsInstance(registered, RegisterResponse, str(registered))
        from nio import AsyncClient

        client = AsyncClient(self.server.base_url, registered.user_id, device_id=registered.device_id, store_path=store.name,
                             config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False))
        self.addAsyncCleanup(client.close)
        client.restore_login(registered.user_id, registered.device_id, registered.access_token)
        if client.should_upload_keys:
            await client.keys_upload()
        return client

    async def sync_once(self, client, since):
        response = await client.sync(timeout=LONG_POLL_MS, since=since)
        self.assertIsInstance(response, SyncResponse, str(response))
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        return response

    async def sync_until(self, client, since, found, what):
        for _ in range(30):
            response = await self.sync_once(client, since)
            since = response.next_batch
            result = found(response)
            if result:
                return result, since
        self.fail(f"never saw {what}")

    async def test_nio_and_matrix_js_sdk_decrypt_each_others_messages(self):
        if not NODE.exists():
            self.skipTest("tests/e2e/js/node_modules is not installed (npm ci there)")
        alice = await self.encrypting_client("nio")
        peer = await JsPeer.start(self.server.base_url)
        self.addAsyncCleanup(peer.stop)
        js_user = (await peer.read())["ready"]

        created = await alice.room_create(
            name="Two implementations", invite=[js_user],
            initial_state=[{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
        self.assertIsInstance(created, RoomCreateResponse, str(created))
        room_id = created.room_id
        await peer.write({"room": room_id, "expect": "from nio with olm", "reply": "from js with rust crypto"})

        since = (await self.sync_once(alice, None)).next_batch
        _, since = await self.sync_until(
            alice, since, lambda r: js_user in alice.rooms[room_id].users if room_id in alice.rooms else False, "the js user's join")
        if alice.should_query_keys:
            await alice.keys_query()

        sent = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "from nio with olm"},
                                     ignore_unverified_devices=True)
        self.assertIsInstance(sent, RoomSendResponse, str(sent))
        decrypted = await peer.read()
        self.assertEqual(decrypted, {"decrypted": "from nio with olm", "encrypted": True})

        reply_id = (await peer.read())["sent"]

        def reply(response):
            events = response.rooms.join.get(room_id).timeline.events if room_id in response.rooms.join else []
            undecryptable = [e for e in events if isinstance(e, MegolmEvent) and e.event_id == reply_id]
            self.assertEqual(undecryptable, [], "nio could not decrypt the js reply")
            return next((e for e in events if isinstance(e, RoomMessageText) and e.event_id == reply_id), None)

        event, _ = await self.sync_until(alice, since, reply, "the js reply")
        self.assertEqual(event.body, "from js with rust crypto")
        self.assertTrue(event.decrypted)
        await peer.write("done")
        self.assertEqual(await asyncio.wait_for(peer.process.wait(), PEER_TIMEOUT_S), 0)
